package obligation

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rules"
)

// Get returns one obligation of a breach the caller may read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, breachID, id int64) (Obligation, error) {
	o, err := s.find(ctx, s.db, p, breachID, id, auth.Read)
	if err != nil {
		return Obligation{}, err
	}
	mark(&o, s.Now())
	return o, nil
}

// Gap is a question still unanswered for a breach, with the duties that
// wait on it.
type Gap struct {
	rules.Question
	Rules []string `json:"rules"`
}

// BreachObligations is the obligations of a breach and the gaps in its facts.
type BreachObligations struct {
	Obligations []Obligation `json:"obligations"`
	Missing     []Gap        `json:"missing"`
}

// List returns a breach's obligations (considered ones first: required by
// due date, then undetermined, then not required) and its missing answers.
func (s *Service) List(ctx context.Context, p *auth.Principal, breachID int64) (BreachObligations, error) {
	if err := s.requireBreach(ctx, p, breachID); err != nil {
		return BreachObligations{}, err
	}
	var list []Obligation
	if err := s.db.WithContext(ctx).Where("breach_id = ?", breachID).Order("rule_key").Find(&list).Error; err != nil {
		return BreachObligations{}, fmt.Errorf("obligations: %w", err)
	}
	now := s.Now()
	for i := range list {
		mark(&list[i], now)
	}
	sort.SliceStable(list, func(i, j int) bool { return less(&list[i], &list[j]) })
	return BreachObligations{Obligations: list, Missing: s.gaps(list)}, nil
}

// requireBreach checks that the caller may read the breach (404 otherwise).
func (s *Service) requireBreach(ctx context.Context, p *auth.Principal, breachID int64) error {
	var orgID int64
	err := s.db.WithContext(ctx).Table("breaches").Select("organization_id").Where("id = ?", breachID).Row().Scan(&orgID)
	if err == nil {
		err = p.Require(orgID, auth.Read)
	}
	if err != nil && !errors.Is(err, errs.ErrForbidden) {
		return fmt.Errorf("breach %d: %w", breachID, errs.ErrNotFound)
	}
	return err
}

func rank(o *Obligation) int {
	switch {
	case !o.Considered:
		return 3
	case o.Required == nil:
		return 1
	case *o.Required:
		return 0
	}
	return 2
}

func less(a, b *Obligation) bool {
	if rank(a) != rank(b) {
		return rank(a) < rank(b)
	}
	ta, tb := a.when(), b.when()
	if ta != nil && tb != nil && !ta.Equal(*tb) {
		return ta.Before(*tb)
	}
	if (ta == nil) != (tb == nil) {
		return ta != nil
	}
	return a.RuleKey < b.RuleKey
}

// when is the instant a duty is due: its deadline, else the internal target.
func (o *Obligation) when() *time.Time {
	if o.DueAt != nil {
		return o.DueAt
	}
	return o.InternalTargetAt
}

func overdue(o *Obligation, now time.Time) bool {
	return o.Open() && o.Required != nil && *o.Required && o.DueAt != nil && now.After(*o.DueAt)
}

// targetPassed: an open duty with no fixed date whose internal target is past.
func targetPassed(o *Obligation, now time.Time) bool {
	return o.Open() && o.DueAt == nil && o.InternalTargetAt != nil && now.After(*o.InternalTargetAt)
}

// mark sets the flags computed at read time.
func mark(o *Obligation, now time.Time) {
	o.Overdue = overdue(o, now)
	o.TargetPassed = targetPassed(o, now)
}

// gaps lists the unanswered questions of the considered duties.
func (s *Service) gaps(list []Obligation) []Gap {
	byID := map[string]*Gap{}
	var order []string
	for _, o := range list {
		if !o.Considered {
			continue
		}
		for _, q := range o.Missing {
			g, ok := byID[q]
			if !ok {
				question, known := s.cat.Vocabulary.Question(q)
				if !known {
					question = rules.Question{ID: q, Text: q}
				}
				g = &Gap{Question: question}
				byID[q] = g
				order = append(order, q)
			}
			g.Rules = append(g.Rules, o.RuleKey)
		}
	}
	out := make([]Gap, 0, len(order))
	for _, q := range order {
		out = append(out, *byID[q])
	}
	return out
}

// History returns the changes of one obligation, oldest first.
func (s *Service) History(ctx context.Context, p *auth.Principal, breachID, id int64) ([]History, error) {
	if _, err := s.find(ctx, s.db, p, breachID, id, auth.Read); err != nil {
		return nil, err
	}
	out := []History{}
	err := s.db.WithContext(ctx).Where("obligation_id = ?", id).Order("id").Find(&out).Error
	return out, err
}

// Deadline is an open obligation with its breach, for the deadlines list.
type Deadline struct {
	Obligation
	BreachReference  string `json:"breach_reference"`
	BreachTitle      string `json:"breach_title"`
	OrganizationName string `json:"organization_name"`
	OrganizationSlug string `json:"organization_slug"`
}

// Deadlines lists the open duties (pending or undetermined, not ruled out)
// of the caller's organizations: soonest deadline (or internal target for
// duties with no fixed date) first, overdue flagged, undated last.
func (s *Service) Deadlines(ctx context.Context, p *auth.Principal) ([]Deadline, error) {
	out := []Deadline{}
	orgs := p.OrgIDs()
	if len(orgs) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Table("obligations").
		Select("obligations.*, breaches.reference AS breach_reference, breaches.title AS breach_title, "+
			"organizations.name AS organization_name, organizations.slug AS organization_slug").
		Joins("JOIN breaches ON breaches.id = obligations.breach_id").
		Joins("JOIN organizations ON organizations.id = obligations.organization_id").
		Where("obligations.organization_id IN ? AND obligations.considered AND obligations.status IN ?", orgs, []string{StatusPending, StatusUndetermined}).
		Where("(obligations.required IS NULL OR obligations.required)").
		Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	now := s.Now()
	for i := range out {
		mark(&out[i].Obligation, now)
	}
	sort.SliceStable(out, func(i, j int) bool { return deadlineLess(&out[i].Obligation, &out[j].Obligation) })
	return out, nil
}

func deadlineLess(a, b *Obligation) bool {
	ta, tb := a.when(), b.when()
	switch {
	case ta != nil && tb != nil && !ta.Equal(*tb):
		return ta.Before(*tb)
	case (ta == nil) != (tb == nil):
		return ta != nil
	case a.BreachID != b.BreachID:
		return a.BreachID < b.BreachID
	}
	return a.RuleKey < b.RuleKey
}

// Questions lists the catalogue's assessment questions.
func (s *Service) Questions() []rules.Question { return s.cat.Vocabulary.Questions }

// ContentQuestions lists the facts filings print that no rule decides on.
func (s *Service) ContentQuestions() []rules.Question { return s.cat.Vocabulary.ContentQuestions }

// ReevaluateBreach re-evaluates a breach in a transaction of its own (for
// callers outside a breach change, e.g. after a roster import commits).
func (s *Service) ReevaluateBreach(ctx context.Context, breachID int64, cause string) (Summary, error) {
	var sum Summary
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		sum, err = s.Reevaluate(ctx, tx, breachID, cause)
		return err
	})
	return sum, err
}
