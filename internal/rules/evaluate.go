package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/clock"
)

// timeLayout is how instants are written in explanations.
const timeLayout = time.RFC3339

// Calendars resolves a business-day calendar by id; *clock.Registry
// satisfies it.
type Calendars interface {
	Calendar(id string) (*clock.Calendar, error)
}

// Options are the per-call settings of Evaluate.
type Options struct {
	// Now decides the overdue flag and, when no clock event is recorded,
	// which version of a rule is shown.
	Now time.Time
	// InternalTarget is the organization's own target for duties with no
	// fixed deadline (e.g. 72h after the clock event); zero means none.
	InternalTarget time.Duration
	// Calendars supplies business-day calendars.
	Calendars Calendars
	// IncludeOutOfScope also lists rules whose jurisdiction is not touched
	// by the organization's home or any affected region.
	IncludeOutOfScope bool
}

// Evaluate works out every obligation of the catalogue for the facts. It is
// pure: the same facts and options always give the same result.
func Evaluate(cat *Catalogue, facts Facts, opts Options) Result {
	pf := parseFacts(&facts)
	if opts.InternalTarget == 0 && facts.Organization.InternalTargetHours > 0 {
		opts.InternalTarget = time.Duration(facts.Organization.InternalTargetHours) * time.Hour
	}
	ev := &evaluator{cat: cat, f: pf, opts: opts}
	ev.env = &condEnv{f: pf, vocab: &cat.Vocabulary}
	ev.calc = &clockCalc{f: pf, env: ev.env, cals: opts.Calendars}
	var out []Obligation
	for _, key := range cat.keys {
		out = append(out, ev.duty(key)...)
	}
	sortObligations(out)
	return Result{Obligations: out, Warnings: pf.warnings}
}

type evaluator struct {
	cat  *Catalogue
	f    *parsedFacts
	opts Options
	env  *condEnv
	calc *clockCalc
	// date is the civil date that picked the duty's version; profiles
	// pick their definition by it too.
	date time.Time
}

// duty evaluates one duty key: none when it is out of scope, one per
// region for a per-region duty, else one.
func (ev *evaluator) duty(key string) []Obligation {
	versions := ev.cat.byKey[key]
	r, date, inForce := ev.pickVersion(versions)
	if !ev.opts.IncludeOutOfScope && !ev.inScope(r) {
		return nil
	}
	ev.date = date
	o := newObligation(r)
	if r.Pending {
		o.Applies, o.Required = boolPtr(false), boolPtr(false)
		o.Explanation = fmt.Sprintf(ev.cat.Vocabulary.p().notInForcePending, r.Notes)
		o.Standard = ev.cat.Vocabulary.p().notRequiredPending
		return []Obligation{o}
	}
	if !inForce {
		o.Applies, o.Required = boolPtr(false), boolPtr(false)
		say := ev.cat.Vocabulary.p()
		o.Explanation = fmt.Sprintf(say.notInForceOn, date.Format(time.DateOnly), say.periodText(r))
		o.Standard = say.notRequiredNotInForce
		return []Obligation{o}
	}
	if r.PerRegion != nil {
		return ev.perRegion(r, o)
	}
	ev.decide(r, &o, nil)
	return []Obligation{o}
}

// perRegion evaluates a per-region duty (45 CFR 164.406: media notice for
// each State with more than 500 affected residents): one obligation for
// every region inside PerRegion.Each with affected people, each with its
// own count and its own answer. With no such region, one obligation says
// why.
func (ev *evaluator) perRegion(r *Rule, base Obligation) []Obligation {
	pr := r.PerRegion
	counts := ev.f.perRegion(&ev.cat.Vocabulary, pr.Each)
	codes := make([]string, 0, len(counts))
	for code, n := range counts {
		if n > 0 && code != pr.Each {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		o := base
		ev.decide(r, &o, []*Cond{{Count: pr}})
		return []Obligation{o}
	}
	// The rule's own conditions are the same for every region: decide
	// them once, then each region's count.
	common := evalAll(ev.applicability(r), ev.env)
	out := make([]Obligation, 0, len(codes))
	for _, code := range codes {
		o := base
		n := counts[code]
		o.Region, o.RegionName, o.Count = code, ev.cat.Vocabulary.RegionName(code), &n
		o.Recipient.Name = strings.ReplaceAll(o.Recipient.Name, "{region}", o.RegionName)
		v := common
		if v.val != triFalse {
			v = andVerdicts(common, (&CountCond{In: code, Op: pr.Op, Value: pr.Value}).eval(ev.env))
		}
		ev.settle(r, &o, v)
		out = append(out, o)
	}
	return out
}

// pickVersion returns the version in force on the date of the rule's
// version event (or today), or the nearest version and false.
func (ev *evaluator) pickVersion(versions []*Rule) (*Rule, time.Time, bool) {
	date := ev.versionDate(versions[0])
	for _, r := range versions {
		if r.inForce(date) {
			return r, date, true
		}
	}
	for _, r := range versions {
		if date.Before(r.from) {
			return r, date, false
		}
	}
	return versions[len(versions)-1], date, false
}

// versionDate is the civil date (UTC midnight) of the latest recorded
// version event, or of Now.
func (ev *evaluator) versionDate(r *Rule) time.Time {
	var latest time.Time
	for _, id := range r.versionEvents() {
		if t, ok := ev.f.event(id); ok && t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		latest = ev.opts.Now
	}
	d := clock.DateOf(latest.In(ev.f.loc))
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// versionEvents are the events whose date selects the rule version:
// version_by, else the clock anchor and its fallbacks.
func (r *Rule) versionEvents() []string {
	if len(r.VersionBy) > 0 {
		return r.VersionBy
	}
	c := &r.Clock
	for c.Anchor == "" {
		switch {
		case len(c.Cases) > 0:
			c = &c.Cases[len(c.Cases)-1].Clock
		case c.EarliestOf != nil:
			c = &c.EarliestOf.Clocks[0]
		default:
			return nil
		}
	}
	return append([]string{c.Anchor}, c.Fallback...)
}

// inScope: the organization's home or an affected region is inside the
// rule's scope (default: its jurisdiction).
func (ev *evaluator) inScope(r *Rule) bool {
	scope := r.Scope
	if len(scope) == 0 {
		scope = []string{r.Jurisdiction}
	}
	v := &ev.cat.Vocabulary
	for _, s := range scope {
		if ev.f.Organization.Home != "" && v.InRegion(ev.f.Organization.Home, s) {
			return true
		}
		if ev.f.stats(v, s).touched {
			return true
		}
	}
	return false
}

func newObligation(r *Rule) Obligation {
	return Obligation{
		Rule: r.ID, Part: r.Part, Version: r.Version, Kind: r.kind(), Jurisdiction: r.Jurisdiction,
		EffectiveFrom: r.EffectiveFrom, EffectiveTo: r.EffectiveTo, EffectiveNote: r.EffectiveNote,
		Recipient: r.Recipient, Citation: r.Citation, Source: r.Source, SeeAlso: r.SeeAlso,
		RuleStatus: r.Status, StatusNote: r.StatusNote, Notes: r.Notes, Content: r.Content,
	}
}

// decide applies applies_to, the trigger and any extra conditions, the
// jurisdiction's profile (covered data, exemptions, law-enforcement delay),
// then computes the clock.
func (ev *evaluator) decide(r *Rule, o *Obligation, extra []*Cond) {
	ev.settle(r, o, evalAll(append(ev.applicability(r), extra...), ev.env))
}

// settle turns the verdict on a rule's conditions into the obligation:
// the profile's covered data and exemptions, the clock, the explanation.
func (ev *evaluator) settle(r *Rule, o *Obligation, v verdict) {
	pc := ev.profileCheck(r, o)
	if pc != nil && v.val != triFalse {
		v = andVerdicts(v, pc.covered())
	}
	o.Missing = dedup(v.missing)
	o.Applies = triPtr(v.val)
	o.Required = o.Applies
	if o.Kind == KindPermitted {
		o.Required = boolPtr(false)
	}
	why := strings.Join(v.reasons, "; ")
	if v.val == triFalse {
		o.Explanation = fmt.Sprintf(ev.cat.Vocabulary.p().doesNotApply, why)
		o.Standard = ev.cat.Vocabulary.p().notRequired
		return
	}
	if pc != nil && pc.exempt(why) {
		o.Alternatives = pc.readings
		setFirstAlternative(o)
		return
	}
	d := ev.calc.compute(&r.Clock)
	if pc != nil && pc.p.LawEnforcement != nil {
		pc.lawEnforcement(&d)
	}
	ev.applyDeadline(r, o, d)
	if pc != nil {
		o.Alternatives = append(o.Alternatives, pc.readings...)
		setFirstAlternative(o)
	}
	o.Missing = dedup(append(o.Missing, d.missing...))
	o.Explanation = applyPrefix(ev.cat.Vocabulary.p(), o.Kind, v.val) + why + ". " + ev.clockText(r, o, d)
}

// andVerdicts is the conjunction of two verdicts, reasons in order.
func andVerdicts(a, b verdict) verdict {
	switch {
	case a.val == triFalse:
		return a
	case b.val == triFalse:
		return verdict{val: triFalse, reasons: b.reasons}
	}
	out := verdict{val: min(a.val, b.val), reasons: append(append([]string{}, a.reasons...), b.reasons...)}
	out.missing = append(append([]string{}, a.missing...), b.missing...)
	return out
}

// setFirstAlternative keeps Alternative equal to the first of Alternatives.
func setFirstAlternative(o *Obligation) {
	o.Alternative = nil
	if len(o.Alternatives) > 0 {
		first := o.Alternatives[0]
		o.Alternative = &first
	}
}

// applicability turns applies_to and the trigger into one conjunction.
func (ev *evaluator) applicability(r *Rule) []*Cond {
	var conds []*Cond
	if len(r.AppliesTo.Roles) > 0 {
		conds = append(conds, &Cond{Role: r.AppliesTo.Roles})
	}
	if len(r.AppliesTo.Sectors) > 0 {
		conds = append(conds, &Cond{Sector: r.AppliesTo.Sectors})
	}
	if r.Trigger != nil {
		conds = append(conds, r.Trigger)
	}
	return conds
}

func (ev *evaluator) applyDeadline(r *Rule, o *Obligation, d deadline) {
	o.Standard = d.standard
	o.Anchor = d.anchor
	if !d.anchorAt.IsZero() {
		at := d.anchorAt
		o.AnchorAt = &at
	}
	switch o.Kind {
	case KindRetention, KindPermitted:
		if d.due != nil {
			o.Until, o.UntilDate = d.due, datePtr(*d.due)
		}
	case KindTarget:
		o.InternalTarget = d.due
	default:
		ev.setDue(r, o, d)
	}
	o.Alternatives = append(o.Alternatives, d.alts...)
	ev.ruleAlternative(r, o)
	setFirstAlternative(o)
}

// setDue sets the due date of a duty, the overdue flag, and the internal
// target of a duty the law gives no fixed date.
func (ev *evaluator) setDue(r *Rule, o *Obligation, d deadline) {
	if d.due != nil {
		o.Due, o.DueDate = d.due, datePtr(*d.due)
		done := ev.f.completed[o.Key()]
		o.Overdue = o.Required != nil && *o.Required && ev.opts.Now.After(*d.due) && (done.IsZero() || done.After(*d.due))
		return
	}
	if !d.anchorAt.IsZero() && ev.opts.InternalTarget > 0 {
		t := d.anchorAt.Add(ev.opts.InternalTarget).In(ev.calc.zone(&r.Clock, d.anchorAt))
		o.InternalTarget = &t
	}
}

// ruleAlternative computes the rule's own alternative reading.
func (ev *evaluator) ruleAlternative(r *Rule, o *Obligation) {
	a := r.Alternative
	if a == nil {
		return
	}
	if a.When != nil && a.When.eval(ev.env).val != triTrue {
		return
	}
	alt := Alternative{Basis: a.Basis}
	if a.Clock != nil {
		d := ev.calc.compute(mergeClock(&r.Clock, a.Clock))
		if d.due != nil {
			alt.Due, alt.DueDate = d.due, datePtr(*d.due)
		}
	}
	o.Alternatives = append(o.Alternatives, alt)
}

// mergeClock overlays the alternative's fields on the rule's clock.
func mergeClock(base, over *Clock) *Clock {
	c := *base
	if over.periods() > 0 {
		c.Hours, c.CalendarDays, c.BusinessDays, c.Months, c.Annual = over.Hours, over.CalendarDays, over.BusinessDays, over.Months, over.Annual
		c.None, c.EarliestOf, c.Cases = over.None, over.EarliestOf, over.Cases
	}
	if over.Anchor != "" {
		c.Anchor, c.Fallback = over.Anchor, over.Fallback
	}
	if over.At != "" {
		c.At = over.At
	}
	if over.Calendar != "" {
		c.Calendar = over.Calendar
	}
	if over.Zone != "" {
		c.Zone = over.Zone
	}
	c.RollForward = over.RollForward
	return &c
}

func boolPtr(b bool) *bool { return &b }

func triPtr(t tri) *bool {
	if t == triUnknown {
		return nil
	}
	return boolPtr(t == triTrue)
}

func datePtr(t time.Time) *string {
	s := t.Format(time.DateOnly)
	return &s
}

func dedup(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// upperFirst capitalizes the first letter (of any script) of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
