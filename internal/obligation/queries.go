package obligation

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/rules"
)

// Get returns one obligation of a breach the caller may read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, breachID, id int64) (Obligation, error) {
	o, err := s.find(ctx, s.db, p, breachID, id, auth.Read)
	if err != nil {
		return Obligation{}, err
	}
	mark(&o, s.Now())
	if o.SatisfiedBy != "" {
		var list []Obligation
		if err := s.db.WithContext(ctx).Select("id", "rule_key", "rule_id").Where("breach_id = ?", breachID).Find(&list).Error; err != nil {
			return Obligation{}, fmt.Errorf("obligations: %w", err)
		}
		o.SatisfiedByID = satisfiedBy(o.SatisfiedBy, list)
	}
	return o, nil
}

// satisfiedBy finds, among a breach's obligations, the row of the duty a
// "deemed compliant" clause names: the same key, else the first duty of
// the same rule (the clause may name the rule without its part).
func satisfiedBy(key string, list []Obligation) *int64 {
	var byRule *int64
	for i := range list {
		o := &list[i]
		switch {
		case o.RuleKey == key:
			return &o.ID
		case byRule == nil && o.RuleID == key:
			byRule = &o.ID
		}
	}
	return byRule
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
		if list[i].SatisfiedBy != "" {
			list[i].SatisfiedByID = satisfiedBy(list[i].SatisfiedBy, list)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return less(&list[i], &list[j]) })
	return BreachObligations{Obligations: list, Missing: s.gaps(list)}, nil
}

// requireBreach checks that the caller may read the breach.
func (s *Service) requireBreach(ctx context.Context, p *auth.Principal, breachID int64) error {
	_, err := s.deps.Breaches.Access(ctx, s.db, p, breachID, auth.Read)
	return err
}

// rank orders a breach's obligations: required, undetermined, permitted
// steps that apply (listed apart, never "not required"), not required, no
// longer considered.
func rank(o *Obligation) int {
	switch {
	case !o.Considered:
		return 4
	case o.Permitted():
		return 2
	case o.Required == nil:
		return 1
	case *o.Required:
		return 0
	}
	return 3
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

// when is the instant a duty is due: its deadline, else the internal target
// (the organization's, or a regulator's practice date). A record's
// keep-until date and a permitted step's window are not due dates.
func (o *Obligation) when() *time.Time {
	if o.DueAt != nil {
		return o.DueAt
	}
	if o.Targeted() {
		return o.InternalTargetAt
	}
	return nil
}

// overdue: an open, required duty past its statutory due time. Only a
// duty can be overdue: a record kept until a date, a permitted step and a
// regulator's practice date never are, whatever their dates say.
func overdue(o *Obligation, now time.Time) bool {
	return o.Duty() && o.Open() && o.Required != nil && *o.Required && o.DueAt != nil && now.After(*o.DueAt)
}

// targetPassed: an open duty with no fixed date (or a practice date) whose
// internal target is past.
func targetPassed(o *Obligation, now time.Time) bool {
	return o.Open() && o.Targeted() && now.After(*o.InternalTargetAt)
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

// Deadline is an obligation with its breach and organization, for the
// lists that show duties across breaches (deadlines, reminders, calendars).
type Deadline struct {
	Obligation
	BreachReference  string `json:"breach_reference"`
	BreachTitle      string `json:"breach_title"`
	OrganizationName string `json:"organization_name"`
	OrganizationSlug string `json:"organization_slug"`
	// TimeZone is the organization's zone.
	TimeZone string `json:"-"`
	// Revisions counts the obligation's history rows (Dated only).
	Revisions int `json:"-"`
}

// Deadlines lists the open duties (pending or undetermined, not ruled out)
// of the caller's organizations: soonest deadline (or internal target for
// duties with no fixed date, or a regulator's practice date) first, overdue
// flagged, undated last. Records to keep and permitted steps are not
// deadlines: the breach's own list shows them.
func (s *Service) Deadlines(ctx context.Context, p *auth.Principal) ([]Deadline, error) {
	out := []Deadline{}
	orgs := p.OrgIDs()
	if len(orgs) == 0 {
		return out, nil
	}
	var list []Obligation
	err := s.db.WithContext(ctx).
		Where("organization_id IN ? AND considered AND status IN ?", orgs, []string{StatusPending, StatusUndetermined}).
		Where("(required IS NULL OR required) AND kind IN ?", deadlineKinds).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	if out, err = s.withBreaches(ctx, list); err != nil {
		return nil, err
	}
	now := s.Now()
	for i := range out {
		mark(&out[i].Obligation, now)
	}
	sort.SliceStable(out, func(i, j int) bool { return deadlineLess(&out[i].Obligation, &out[j].Obligation) })
	return out, nil
}

// withBreaches adds to each obligation the breach and organization it
// belongs to, read through their owners.
func (s *Service) withBreaches(ctx context.Context, list []Obligation) ([]Deadline, error) {
	breachIDs, orgIDs := make([]int64, 0, len(list)), make([]int64, 0, 4)
	seenOrg := map[int64]bool{}
	for _, o := range list {
		breachIDs = append(breachIDs, o.BreachID)
		if !seenOrg[o.OrganizationID] {
			seenOrg[o.OrganizationID] = true
			orgIDs = append(orgIDs, o.OrganizationID)
		}
	}
	bs, err := s.deps.Breaches.Summaries(ctx, s.db, breachIDs)
	if err != nil {
		return nil, err
	}
	orgs, err := s.deps.Orgs.OrganizationsByIDs(ctx, s.db, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Deadline, len(list))
	for i, o := range list {
		b, g := bs[o.BreachID], orgs[o.OrganizationID]
		out[i] = Deadline{Obligation: o, BreachReference: b.Reference, BreachTitle: b.Title,
			OrganizationName: g.Name, OrganizationSlug: g.Slug, TimeZone: g.TimeZone}
	}
	return out, nil
}

// deadlineKinds are the kinds with a date someone must act by: a duty's
// deadline or internal target, a regulator's practice date.
var deadlineKinds = []string{rules.KindDuty, rules.KindTarget}

// DueBetween lists the pending, dated duties that are required or not yet
// determined, due in [from, to], soonest first, with their breach and
// organization: what deadline reminders are sent for. Only duties have
// due dates that can pass; records to keep and permitted steps are never
// listed.
func (s *Service) DueBetween(ctx context.Context, from, to time.Time) ([]Deadline, error) {
	var list []Obligation
	err := s.db.WithContext(ctx).
		Where("status = ? AND due_at IS NOT NULL AND (required IS NULL OR required) AND due_at >= ? AND due_at <= ?",
			StatusPending, from.UTC(), to.UTC()).
		Where("kind = ?", rules.KindDuty).Order("due_at, id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("due obligations: %w", err)
	}
	return s.withBreaches(ctx, list)
}

// TargetsBetween lists the pending duties the law gives no fixed date ("as
// soon as feasible") and the regulators' practice dates, whose internal
// target lies in [from, to], soonest first, with their breach and
// organization: what target reminders are sent for.
func (s *Service) TargetsBetween(ctx context.Context, from, to time.Time) ([]Deadline, error) {
	var list []Obligation
	err := s.db.WithContext(ctx).
		Where("status = ? AND due_at IS NULL AND internal_target_at IS NOT NULL AND (required IS NULL OR required)", StatusPending).
		Where("internal_target_at >= ? AND internal_target_at <= ? AND kind IN ?", from.UTC(), to.UTC(), deadlineKinds).
		Order("internal_target_at, id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("obligations by internal target: %w", err)
	}
	return s.withBreaches(ctx, list)
}

// Dated lists every dated obligation of the organizations (whatever its
// status): a deadline, an internal target, or a record's keep-until date
// (or the end of a permitted step's window), soonest first, with its
// breach, organization and how many changes its history holds: a
// calendar feed's events. With a limit, only the limit dated latest (the
// upcoming ones, then the recent past).
func (s *Service) Dated(ctx context.Context, orgIDs []int64, limit int) ([]Deadline, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	var list []Obligation
	err := s.db.WithContext(ctx).
		Where("organization_id IN ? AND (due_at IS NOT NULL OR internal_target_at IS NOT NULL OR until_at IS NOT NULL)", orgIDs).
		Order("id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("dated obligations: %w", err)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Date().Before(list[j].Date()) })
	if limit > 0 && len(list) > limit {
		list = list[len(list)-limit:]
	}
	out, err := s.withBreaches(ctx, list)
	if err != nil {
		return nil, err
	}
	revisions, err := s.revisions(ctx, list)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Revisions = revisions[out[i].ID]
	}
	return out, nil
}

// revisions counts the history rows of each obligation.
func (s *Service) revisions(ctx context.Context, list []Obligation) (map[int64]int, error) {
	ids := make([]int64, len(list))
	for i, o := range list {
		ids[i] = o.ID
	}
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ObligationID int64
		N            int
	}
	err := s.db.WithContext(ctx).Model(&History{}).Select("obligation_id, COUNT(*) AS n").
		Where("obligation_id IN ?", ids).Group("obligation_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("obligation history: %w", err)
	}
	for _, r := range rows {
		out[r.ObligationID] = r.N
	}
	return out, nil
}

// ForBreach lists the obligations a breach is still considered for, in
// tx, unchecked (documents print them).
func (s *Service) ForBreach(ctx context.Context, tx *gorm.DB, breachID int64) ([]Obligation, error) {
	var out []Obligation
	if err := tx.WithContext(ctx).Where("breach_id = ? AND considered", breachID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("obligations of breach %d: %w", breachID, err)
	}
	return out, nil
}

// ForOrganization lists the obligations every breach of an organization is
// still considered for, in tx, unchecked (the breach register).
func (s *Service) ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]Obligation, error) {
	var out []Obligation
	if err := tx.WithContext(ctx).Where("organization_id = ? AND considered", orgID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("obligations of organization %d: %w", orgID, err)
	}
	return out, nil
}

// Date is the one date a calendar shows for the obligation: the deadline,
// else the internal target, else the keep-until date (zero when none).
func (o *Obligation) Date() time.Time {
	for _, t := range []*time.Time{o.DueAt, o.InternalTargetAt, o.UntilAt} {
		if t != nil {
			return *t
		}
	}
	return time.Time{}
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
