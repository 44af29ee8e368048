package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/clock"
)

// profileCheck is what a jurisdiction profile adds to one decision.
type profileCheck struct {
	ev   *evaluator
	p    *Profile
	r    *Rule
	o    *Obligation
	day  time.Time // the civil date that picks the definition's version
	name string    // the jurisdiction's name
	// readings are other readings (unverified definitions and exemptions),
	// listed after the date alternatives.
	readings []Alternative
}

func (ev *evaluator) profileCheck(r *Rule, o *Obligation) *profileCheck {
	if r.Profile == "" {
		return nil
	}
	p, ok := ev.cat.Profile(r.Profile)
	if !ok {
		return nil
	}
	return &profileCheck{ev: ev, p: p, r: r, o: o, day: ev.date, name: ev.cat.Vocabulary.RegionName(p.Region)}
}

// covered decides whether the breach involves personal information as the
// jurisdiction defines it on the version date. A category the definition
// may cover but that no checked source settles counts as covered (the
// conservative reading), with "not required" as the alternative.
func (pc *profileCheck) covered() verdict {
	def := &pc.p.Definition
	dv, err := def.version(pc.day)
	if err != nil {
		return verdict{val: triUnknown, reasons: []string{fmt.Sprintf("%s's definition of personal information: %v", pc.name, err)}}
	}
	pc.o.Provisions = append(pc.o.Provisions, Provision{Kind: "definition", Label: "personal information under " + pc.name + " law",
		Citation: def.Citation, Status: dv.Status, Note: dv.Note, Applied: true})
	voc := &pc.ev.cat.Vocabulary
	cats := pc.ev.f.DataCategories
	if len(cats) == 0 {
		return verdict{val: triUnknown, reasons: []string{"the categories of personal information involved are not given"}, missing: []string{"data_categories"}}
	}
	if hit := intersects(cats, dv.Data); len(hit) > 0 {
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf("the information involved includes %s, which %s's definition of personal information covers (%s)",
			voc.termList(voc.DataCategories, hit, "and"), pc.name, def.Citation)}}
	}
	if unsure := intersects(cats, pc.uncertain(dv)); len(unsure) > 0 {
		names := voc.termList(voc.DataCategories, unsure, "and")
		pc.readings = append(pc.readings, Alternative{Required: boolPtr(false),
			Basis: fmt.Sprintf("if %s is not personal information under %s: the definition has not been checked for it (%s)", names, def.Citation, dv.Status)})
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf("the information involved includes %s, which %s's definition may cover: it has not been checked, so the duty is shown", names, pc.name)}}
	}
	why := fmt.Sprintf("none of the information involved is personal information under %s's definition (%s)", pc.name, def.Citation)
	if out := intersects(cats, dv.Excludes); len(out) > 0 {
		why = fmt.Sprintf("%s is not personal information under %s's definition (%s)", voc.termList(voc.DataCategories, out, "and"), pc.name, def.Citation)
	}
	return verdict{val: triFalse, reasons: []string{why}}
}

// uncertain lists the candidate categories a definition version neither
// covers nor excludes on a checked source.
func (pc *profileCheck) uncertain(dv *DefinitionVersion) []string {
	var out []string
	for _, c := range pc.ev.cat.Profiles.Candidates {
		if !contains(dv.Data, c) && !contains(dv.Excludes, c) {
			out = append(out, c)
		}
	}
	return out
}

// exempt applies the profile's exemptions to the duty. It returns true
// when an applied exemption settles the duty (not required, or satisfied
// by another duty).
func (pc *profileCheck) exempt(why string) bool {
	for i := range pc.p.Exemptions {
		ex := &pc.p.Exemptions[i]
		if !appliesToPart(ex.Parts, pc.r.Part) {
			continue
		}
		if w := ex.When.eval(pc.ev.env); w.val != triTrue {
			continue
		}
		prov := Provision{Kind: ex.Kind, Label: ex.Label, Citation: ex.Citation, Status: ex.Status, Note: ex.Note}
		if ex.Unless != nil {
			if u := ex.Unless.eval(pc.ev.env); u.val != triFalse {
				prov.Note = joinNote(prov.Note, "not applied: "+strings.Join(u.reasons, "; "))
				pc.o.Provisions = append(pc.o.Provisions, prov)
				continue
			}
		}
		prov.Applied = ex.Kind != ExemptUnknown && ex.Status != StatusUnverified
		pc.o.Provisions = append(pc.o.Provisions, prov)
		switch {
		case ex.Kind == ExemptUnknown:
		case !prov.Applied:
			pc.readings = append(pc.readings, exemptionReading(ex))
		case ex.Kind == ExemptDeemedCompliant:
			pc.satisfiedBy(ex, why)
			return true
		default:
			pc.o.Applies, pc.o.Required = boolPtr(false), boolPtr(false)
			pc.o.Standard = "not required"
			pc.o.Explanation = fmt.Sprintf("Not required: %s (%s). Otherwise the rule would apply: %s.", ex.Label, ex.Citation, why)
			return true
		}
	}
	return false
}

func exemptionReading(ex *Exemption) Alternative {
	a := Alternative{Basis: fmt.Sprintf("if %s (%s; %s, not applied)", ex.Label, ex.Citation, ex.Status)}
	if ex.Kind == ExemptDeemedCompliant {
		a.SatisfiedBy = ex.SatisfiedBy
	} else {
		a.Required = boolPtr(false)
	}
	return a
}

// satisfiedBy records a deemed-compliant clause: the duty applies and is
// met by the federal duty it names; it has no date of its own.
func (pc *profileCheck) satisfiedBy(ex *Exemption, why string) {
	o := pc.o
	o.SatisfiedBy = ex.SatisfiedBy
	o.Standard = "satisfied by complying with " + ex.SatisfiedBy
	o.Explanation = fmt.Sprintf("Applies: %s. Satisfied by %s: %s (%s).", why, ex.SatisfiedBy, ex.Label, ex.Citation)
}

// lawEnforcement applies a law-enforcement delay to the computed date.
func (pc *profileCheck) lawEnforcement(d *deadline) {
	le := pc.p.LawEnforcement
	parts := le.partsOrDefault()
	if !appliesToPart(parts, pc.r.Part) || !pc.delayed() {
		return
	}
	applied := le.Status != StatusUnverified
	pc.o.Provisions = append(pc.o.Provisions, Provision{Kind: "law_enforcement_delay", Label: "notice delayed at a law-enforcement agency's request",
		Citation: le.Citation, Status: le.Status, Note: le.Note, Applied: applied})
	start, hasStart := pc.ev.f.event("le_delay_requested")
	end, hasEnd := pc.ev.f.event("le_delay_lifted")
	switch {
	case le.Effect == LEHold || d.due == nil && le.Effect == LEToll:
		d.notes = append(d.notes, "notice is delayed while law enforcement says it would impede a criminal investigation; it is then due as the statute says ("+le.Citation+")")
	case le.Effect == LEToll:
		pc.toll(d, le, applied, start, end, hasStart && hasEnd)
	case le.Effect == LERestart:
		pc.restart(d, le, end, hasEnd)
	}
}

func (le *LEDelay) partsOrDefault() []string {
	if len(le.Parts) == 0 {
		return []string{"individuals"}
	}
	return le.Parts
}

// delayed reports whether a law-enforcement delay was requested.
func (pc *profileCheck) delayed() bool {
	if v, ok := pc.ev.f.Answers["le_delay"]; ok {
		return sameValue(v, true)
	}
	_, ok := pc.ev.f.event("le_delay_requested")
	return ok
}

// toll moves the date by the length of the delay. An unverified toll is
// the alternative; the date that does not move stays due.
func (pc *profileCheck) toll(d *deadline, le *LEDelay, applied bool, start, end time.Time, known bool) {
	basis := "if the law-enforcement delay suspends the period (" + le.Citation + ", " + le.Status + ")"
	if !known {
		d.notes = append(d.notes, "notice is withheld while the law-enforcement delay lasts; record when it was requested and lifted")
		pc.readings = append(pc.readings, Alternative{Basis: basis + ": later by the length of the delay, once it ends"})
		return
	}
	loc := d.due.Location()
	days := daysBetween(clock.DateOf(start.In(loc)), clock.DateOf(end.In(loc)))
	moved := d.due.AddDate(0, 0, days)
	if applied {
		d.addAlt(*d.due, "without the suspension")
		d.due = &moved
		return
	}
	d.notes = append(d.notes, "notice was withheld while the law-enforcement delay lasted; whether the period stopped running is unverified")
	d.addAlt(moved, basis)
}

// restart counts a new period from the end of the delay (Maine: 7
// business days after the agency determines notice will no longer
// compromise the investigation). The earlier of that and the ordinary
// date is due while both are open.
func (pc *profileCheck) restart(d *deadline, le *LEDelay, end time.Time, hasEnd bool) {
	if !hasEnd {
		d.due = nil
		d.standard = fmt.Sprintf("delayed at law enforcement's request; within %d business days after the agency determines that notice will no longer compromise the investigation (%s)", *le.BusinessDays, le.Citation)
		return
	}
	cal, err := pc.ev.calc.calendar(le.Calendar)
	if err != nil {
		d.notes = append(d.notes, err.Error())
		return
	}
	loc := pc.ev.calc.zone(&pc.r.Clock, end)
	day, err := cal.BusinessDaysAfter(clock.DateOf(end.In(loc)), *le.BusinessDays)
	if err != nil {
		d.notes = append(d.notes, err.Error())
		return
	}
	after := clock.EndOfDay(day, loc)
	basis := fmt.Sprintf("%d business days after law enforcement cleared notice (%s)", *le.BusinessDays, le.Citation)
	if d.due == nil || d.due.Before(end) || after.Before(*d.due) {
		if d.due != nil && !d.due.Before(end) {
			d.addAlt(*d.due, "the statute's ordinary period")
		}
		d.due = &after
		d.notes = append(d.notes, basis)
		return
	}
	d.addAlt(after, basis)
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// daysBetween counts the calendar days from a to b (civil dates, so a DST
// change in between does not lose a day).
func daysBetween(a, b clock.Date) int {
	ua := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
