package rules

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

var (
	statuses    = map[string]bool{StatusVerified: true, StatusSecondary: true, StatusUnverified: true}
	kinds       = map[string]bool{"": true, KindDuty: true, KindPermitted: true, KindRetention: true, KindTarget: true}
	timeOfDayRe = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$`)
)

// ruleErr names the rule and field at fault.
func ruleErr(r *Rule, field, format string, args ...any) error {
	return fmt.Errorf("rules: %s: rule %s (version %s): %s: %s", r.Family, r.Key(), r.Version, field, fmt.Sprintf(format, args...))
}

// validate checks every rule against the vocabulary and the other rules.
func (c *Catalogue) validate() error {
	keys := map[string]bool{}
	for _, r := range c.Rules {
		keys[r.Key()] = true
	}
	var errs []error
	for _, r := range c.Rules {
		errs = append(errs, c.validateRule(r, keys)...)
	}
	errs = append(errs, c.checkOverlaps()...)
	errs = append(errs, c.validateProfiles(keys)...)
	return errors.Join(errs...)
}

func (c *Catalogue) validateRule(r *Rule, keys map[string]bool) []error {
	v := &ruleValidator{cat: c, r: r, keys: keys}
	v.header()
	v.appliesTo()
	if r.Profile != "" {
		if _, ok := c.profiles[r.Profile]; !ok {
			v.fail("profile", "unknown profile %q", r.Profile)
		}
	}
	v.cond("trigger", r.Trigger)
	if pr := r.PerRegion; pr != nil {
		if pr.Each == "" || pr.In != "" {
			v.fail("per_region", "needs each (the region whose parts are counted one by one), not in")
		}
		v.count("per_region", pr)
	}
	v.clock("clock", &r.Clock, true)
	if r.Alternative != nil {
		v.cond("alternative.when", r.Alternative.When)
		if r.Alternative.Basis == "" {
			v.fail("alternative.basis", "missing")
		}
		if r.Alternative.Clock != nil {
			v.clock("alternative.clock", r.Alternative.Clock, false)
		}
	}
	for i, q := range r.Questions {
		if _, ok := c.Vocabulary.Question(q); !ok {
			v.fail(fmt.Sprintf("questions[%d]", i), "unknown question %q", q)
		}
	}
	for i, f := range r.Content {
		if f.ID == "" || f.Label == "" {
			v.fail(fmt.Sprintf("content[%d]", i), "needs id and label")
		} else if _, ok := c.Vocabulary.ContentField(f.ID); !ok {
			v.fail(fmt.Sprintf("content[%d]", i), "content id %q is not in the vocabulary's content_fields", f.ID)
		}
	}
	for i, e := range r.VersionBy {
		v.event(fmt.Sprintf("version_by[%d]", i), e)
	}
	return v.errs
}

type ruleValidator struct {
	cat  *Catalogue
	r    *Rule
	keys map[string]bool
	errs []error
}

func (v *ruleValidator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, ruleErr(v.r, field, format, args...))
}

func (v *ruleValidator) header() {
	r := v.r
	for field, val := range map[string]string{"id": r.ID, "version": r.Version, "jurisdiction": r.Jurisdiction,
		"recipient.kind": r.Recipient.Kind, "recipient.name": r.Recipient.Name, "citation": r.Citation} {
		if val == "" {
			v.fail(field, "missing")
		}
	}
	if !statuses[r.Status] {
		v.fail("status", "%q is not verified, secondary or unverified", r.Status)
	}
	if !kinds[r.Kind] {
		v.fail("kind", "%q is not duty, permitted, retention or target", r.Kind)
	}
	if r.Kind == KindTarget && (r.Clock.None || r.Clock.periods() != 1) {
		v.fail("kind", "a target needs a clock with a date")
	}
	if r.Jurisdiction != "" && !v.cat.Vocabulary.validRegion(r.Jurisdiction) {
		v.fail("jurisdiction", "unknown region %q", r.Jurisdiction)
	}
	for i, s := range r.Scope {
		if !v.cat.Vocabulary.validRegion(s) {
			v.fail(fmt.Sprintf("scope[%d]", i), "unknown region %q", s)
		}
	}
	var err error
	if r.from, err = parseCivil(r.EffectiveFrom); err != nil {
		v.fail("effective_from", "%v", err)
	}
	if r.to, err = parseCivil(r.EffectiveTo); err != nil {
		v.fail("effective_to", "%v", err)
	}
	if !r.from.IsZero() && !r.to.IsZero() && r.to.Before(r.from) {
		v.fail("effective_to", "before effective_from")
	}
}

func (v *ruleValidator) appliesTo() {
	voc := &v.cat.Vocabulary
	for i, s := range v.r.AppliesTo.Sectors {
		if !hasTerm(voc.Sectors, s) {
			v.fail(fmt.Sprintf("applies_to.sectors[%d]", i), "unknown sector %q", s)
		}
	}
	for i, s := range v.r.AppliesTo.Roles {
		if !hasTerm(voc.Roles, s) {
			v.fail(fmt.Sprintf("applies_to.roles[%d]", i), "unknown role %q", s)
		}
	}
}

func (v *ruleValidator) event(field, id string) {
	if key, ok := cutCompleted(id); ok {
		if !v.keys[key] {
			v.fail(field, "completed: unknown rule key %q", key)
		}
		return
	}
	if !v.cat.Vocabulary.HasEvent(id) {
		v.fail(field, "unknown event %q", id)
	}
}

func (v *ruleValidator) clock(field string, c *Clock, needAnchor bool) {
	if n := c.periods(); n != 1 && !(n == 0 && !needAnchor) {
		v.fail(field, "needs exactly one of hours, calendar_days, business_days, months, annual, none, earliest_of, cases (has %d)", n)
	}
	kind := c.kind()
	if c.Anchor != "" {
		v.event(field+".anchor", c.Anchor)
	} else if needAnchor && kind != "cases" && kind != "earliest_of" {
		v.fail(field+".anchor", "missing")
	}
	for i, e := range c.Fallback {
		v.event(fmt.Sprintf("%s.fallback[%d]", field, i), e)
	}
	v.clockDetails(field, c, kind)
	for i := range c.Cases {
		cf := fmt.Sprintf("%s.cases[%d]", field, i)
		v.cond(cf+".when", c.Cases[i].When)
		v.clock(cf+".clock", &c.Cases[i].Clock, true)
	}
	if c.EarliestOf != nil {
		if len(c.EarliestOf.Clocks) < 2 {
			v.fail(field+".earliest_of.clocks", "needs at least two clocks")
		}
		if e := c.EarliestOf.IgnorePassedAt; e != "" {
			v.event(field+".earliest_of.ignore_passed_at", e)
		}
		for i := range c.EarliestOf.Clocks {
			v.clock(fmt.Sprintf("%s.earliest_of.clocks[%d]", field, i), &c.EarliestOf.Clocks[i], true)
		}
	}
}

func (v *ruleValidator) clockDetails(field string, c *Clock, kind string) {
	if kind == "business_days" && c.Calendar == "" {
		v.fail(field+".calendar", "business_days needs a calendar")
	}
	if c.AnchorAt != "" && c.AnchorAt != "year_end" {
		v.fail(field+".anchor_at", "%q is not year_end", c.AnchorAt)
	}
	if c.CountFrom != "" && c.CountFrom != "next_day" && c.CountFrom != "same_day" {
		v.fail(field+".count_from", "%q is not next_day or same_day", c.CountFrom)
	}
	if c.At != "" && c.At != "wall_clock" && !timeOfDayRe.MatchString(c.At) {
		v.fail(field+".at", "%q is not HH:MM, HH:MM:SS or wall_clock", c.At)
	}
	if c.Zone != "" {
		if _, err := time.LoadLocation(c.Zone); err != nil {
			v.fail(field+".zone", "%v", err)
		}
	}
	for name, p := range map[string]*int{"hours": c.Hours, "calendar_days": c.CalendarDays, "business_days": c.BusinessDays, "months": c.Months} {
		if p != nil && *p < 0 {
			v.fail(field+"."+name, "negative")
		}
	}
	if a := c.Annual; a != nil && (a.Month < 1 || a.Month > 12 || a.Day < 1 || a.Day > 31) {
		v.fail(field+".annual", "month %d day %d is not a date", a.Month, a.Day)
	}
	if kind == "none" && c.Standard == "" {
		v.fail(field+".standard", "a duty with no fixed deadline needs the statutory words")
	}
	if rf := c.RollForward; rf != nil {
		if rf.Calendar == "" {
			v.fail(field+".roll_forward.calendar", "missing")
		}
		if rf.Skip != "holidays" && rf.Skip != "non_business_days" {
			v.fail(field+".roll_forward.skip", "%q is not holidays or non_business_days", rf.Skip)
		}
		if rf.Conservative && rf.Basis == "" {
			v.fail(field+".roll_forward.basis", "a conservative roll-forward needs the basis of the extended date")
		}
		if rf.At != "" && !timeOfDayRe.MatchString(rf.At) {
			v.fail(field+".roll_forward.at", "%q is not HH:MM", rf.At)
		}
		v.cond(field+".roll_forward.when", rf.When)
	}
}

// checkOverlaps rejects two versions of one key in force on the same day.
func (c *Catalogue) checkOverlaps() []error {
	groups := map[string][]*Rule{}
	for _, r := range c.Rules {
		groups[r.Key()] = append(groups[r.Key()], r)
	}
	var errs []error
	for _, vs := range groups {
		for i := 0; i < len(vs); i++ {
			for j := i + 1; j < len(vs); j++ {
				if overlap(vs[i], vs[j]) {
					errs = append(errs, ruleErr(vs[j], "effective_from", "overlaps version %s", vs[i].Version))
				}
			}
		}
	}
	return errs
}

func overlap(a, b *Rule) bool {
	aEndsBeforeB := !a.to.IsZero() && !b.from.IsZero() && a.to.Before(b.from)
	bEndsBeforeA := !b.to.IsZero() && !a.from.IsZero() && b.to.Before(a.from)
	return !aEndsBeforeB && !bEndsBeforeA
}
