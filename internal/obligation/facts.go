package obligation

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/rules"
)

// stored is a breach as the rules see it.
type stored struct {
	breach breach.Breach
	org    auth.Organization
	facts  rules.Facts
}

// load reads everything the evaluation of a breach needs, inside tx.
func (s *Service) load(ctx context.Context, tx *gorm.DB, breachID int64) (*stored, error) {
	b, err := s.breaches.Load(ctx, tx, breachID)
	if err != nil {
		return nil, err
	}
	var org auth.Organization
	if err := tx.WithContext(ctx).Take(&org, b.OrganizationID).Error; err != nil {
		return nil, fmt.Errorf("organization of breach %d: %w", breachID, err)
	}
	st := &stored{breach: b, org: org}
	f := &st.facts
	f.Organization = rules.Organization{Sectors: org.Sectors, Roles: org.Roles, Home: org.HomeJurisdiction, TimeZone: org.TimeZone}
	f.Events = s.events(b.Events)
	f.Kinds = append([]string{}, b.Kinds...)
	f.Answers = s.answers(b.Answers)
	if f.Affected, err = CountAffected(ctx, tx, breachID); err != nil {
		return nil, err
	}
	if f.DataCategories, err = ruleCategories(ctx, tx, b.DataCategories); err != nil {
		return nil, err
	}
	if f.Completed, err = completed(ctx, tx, breachID); err != nil {
		return nil, err
	}
	return st, nil
}

// events keeps the earliest instant of each clock event, written in the
// zone it was recorded in.
func (s *Service) events(list []breach.Event) map[string]string {
	earliest := map[string]breach.Event{}
	for _, e := range list {
		if !s.terms.ClockEvent(e.Kind) {
			continue
		}
		if cur, ok := earliest[e.Kind]; !ok || e.At.Before(cur.At) {
			earliest[e.Kind] = e
		}
	}
	out := make(map[string]string, len(earliest))
	for k, e := range earliest {
		out[k] = e.Local().Format(time.RFC3339)
	}
	return out
}

// answers converts stored answers to the types the rules compare; unknown
// questions and "unknown" answers are left out (unanswered).
func (s *Service) answers(list []breach.Answer) map[string]any {
	out := map[string]any{}
	for _, a := range list {
		q, ok := s.terms.V.Question(a.QuestionID)
		if !ok || strings.EqualFold(a.Value, Unknown) {
			continue
		}
		if v, ok := typedAnswer(q, a.Value); ok {
			out[a.QuestionID] = v
		}
	}
	return out
}

// countSQL reads the per-region counts the roster stores with every import
// (roster_counts, refreshed in the import's own transaction). Rows flagged
// as duplicates of an earlier person are the same person again and are not
// in those counts. Reading them, rather than counting the roster again,
// keeps the obligations, the roster page and the filings on one figure and
// keeps re-evaluation independent of the roster's size.
const countSQL = `SELECT value, count FROM roster_counts WHERE breach_id = ? AND dimension = 'region' AND count > 0`

// CountAffected returns the number of affected people of a breach per
// region code, sorted by region; people with no region are not counted.
func CountAffected(ctx context.Context, tx *gorm.DB, breachID int64) ([]rules.Affected, error) {
	rows, err := tx.WithContext(ctx).Raw(countSQL, breachID).Rows()
	if err != nil {
		return nil, fmt.Errorf("count affected people: %w", err)
	}
	defer rows.Close()
	out := []rules.Affected{}
	for rows.Next() {
		var a rules.Affected
		if err := rows.Scan(&a.Region, &a.Count); err != nil {
			return nil, fmt.Errorf("count affected people: %w", err)
		}
		if a.Region != "" {
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count affected people: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out, nil
}

// ruleCategories maps the breach's product data categories to the
// catalogue's (config/data-categories.yaml rule_categories).
func ruleCategories(ctx context.Context, tx *gorm.DB, product []string) ([]string, error) {
	out := []string{}
	if len(product) == 0 {
		return out, nil
	}
	var cats []breach.Category
	if err := tx.WithContext(ctx).Where("id IN ?", product).Find(&cats).Error; err != nil {
		return nil, fmt.Errorf("data categories: %w", err)
	}
	seen := map[string]bool{}
	for _, c := range cats {
		for _, rc := range c.RuleCategories {
			if !seen[rc] {
				seen[rc] = true
				out = append(out, rc)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// completed maps the keys of duties already filed to when they were filed,
// so that later stages count from the actual filing.
func completed(ctx context.Context, tx *gorm.DB, breachID int64) (map[string]string, error) {
	var rows []Obligation
	err := tx.WithContext(ctx).Select("rule_key", "filed_at").
		Where("breach_id = ? AND status = ? AND filed_at IS NOT NULL", breachID, StatusFiled).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("filed obligations: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.RuleKey] = r.FiledAt.UTC().Format(time.RFC3339)
	}
	return out, nil
}
