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
	b, err := s.deps.Breaches.Load(ctx, tx, breachID)
	if err != nil {
		return nil, err
	}
	org, err := s.deps.Orgs.OrganizationByID(ctx, tx, b.OrganizationID)
	if err != nil {
		return nil, fmt.Errorf("organization of breach %d: %w", breachID, err)
	}
	st := &stored{breach: b, org: org}
	f := &st.facts
	f.Organization = rules.Organization{Sectors: org.Sectors, Roles: org.Roles, Home: org.HomeJurisdiction, TimeZone: org.TimeZone}
	f.Events = s.events(b.Events)
	f.Kinds = append([]string{}, b.Kinds...)
	f.Answers = s.answers(b.Answers)
	if f.Affected, err = s.affected(ctx, tx, breachID); err != nil {
		return nil, err
	}
	if len(f.Affected) == 0 {
		f.Affected = estimated(b.Estimates)
	}
	if f.DataCategories, err = s.ruleCategories(ctx, tx, b.DataCategories); err != nil {
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

// affected reads the per-region counts the roster stores with every import
// (refreshed in the import's own transaction). Rows flagged as duplicates
// of an earlier person are the same person again and are not in those
// counts. Reading them, rather than counting the roster again, keeps the
// obligations, the roster page and the filings on one figure and keeps
// re-evaluation independent of the roster's size. People with no region
// are not counted; the list is sorted by region.
func (s *Service) affected(ctx context.Context, tx *gorm.DB, breachID int64) ([]rules.Affected, error) {
	counts, err := s.deps.Counts.RegionCounts(ctx, tx, breachID)
	if err != nil {
		return nil, fmt.Errorf("affected people of breach %d: %w", breachID, err)
	}
	out := []rules.Affected{}
	for region, n := range counts {
		if region != "" && n > 0 {
			out = append(out, rules.Affected{Region: region, Count: int(n)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out, nil
}

// estimated turns a breach's estimates by region into the counts the rules
// read: used only while no roster has been imported, since an imported
// roster is the better figure.
func estimated(est map[string]int64) []rules.Affected {
	out := []rules.Affected{}
	for region, n := range est {
		if region != "" && n > 0 {
			out = append(out, rules.Affected{Region: region, Count: int(n)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out
}

// ruleCategories maps the breach's product data categories to the
// catalogue's (config/data-categories.yaml rule_categories).
func (s *Service) ruleCategories(ctx context.Context, tx *gorm.DB, product []string) ([]string, error) {
	out := []string{}
	if len(product) == 0 {
		return out, nil
	}
	cats, err := s.deps.Breaches.CategoryList(ctx, tx)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(product))
	for _, id := range product {
		want[id] = true
	}
	seen := map[string]bool{}
	for _, c := range cats {
		if !want[c.ID] {
			continue
		}
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
