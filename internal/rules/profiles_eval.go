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
		return verdict{val: triUnknown, reasons: []string{fmt.Sprintf(pc.ev.cat.Vocabulary.p().definitionUnreadable, pc.name, err)}}
	}
	pc.o.Provisions = append(pc.o.Provisions, Provision{Kind: "definition", Label: fmt.Sprintf(pc.ev.cat.Vocabulary.p().definitionLabel, pc.name),
		Citation: def.Citation, Status: dv.Status, Note: dv.Note, Applied: true})
	voc := &pc.ev.cat.Vocabulary
	say := voc.p()
	cats := pc.ev.f.DataCategories
	if len(cats) == 0 {
		return verdict{val: triUnknown, reasons: []string{say.dataNotGiven}, missing: []string{"data_categories"}}
	}
	if hit := intersects(cats, dv.Data); len(hit) > 0 {
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf(say.definitionCovers,
			voc.termList(voc.DataCategories, hit, say.and), pc.name, def.Citation)}}
	}
	if unsure := intersects(cats, pc.uncertain(dv)); len(unsure) > 0 {
		names := voc.termList(voc.DataCategories, unsure, say.and)
		pc.readings = append(pc.readings, Alternative{Required: boolPtr(false),
			Basis: fmt.Sprintf(say.definitionUncheckedAlt, names, def.Citation, dv.Status)})
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf(say.definitionMayCover, names, pc.name)}}
	}
	why := fmt.Sprintf(say.definitionNone, pc.name, def.Citation)
	if out := intersects(cats, dv.Excludes); len(out) > 0 {
		why = fmt.Sprintf(say.definitionExcludes, voc.termList(voc.DataCategories, out, say.and), pc.name, def.Citation)
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
				prov.Note = joinNote(prov.Note, fmt.Sprintf(pc.ev.cat.Vocabulary.p().notAppliedPrefix, strings.Join(u.reasons, "; ")))
				pc.o.Provisions = append(pc.o.Provisions, prov)
				continue
			}
		}
		prov.Applied = ex.Kind != ExemptUnknown && ex.Status != StatusUnverified
		pc.o.Provisions = append(pc.o.Provisions, prov)
		switch {
		case ex.Kind == ExemptUnknown:
		case !prov.Applied:
			pc.readings = append(pc.readings, exemptionReading(pc.ev.cat.Vocabulary.p(), ex))
		case ex.Kind == ExemptDeemedCompliant:
			pc.satisfiedBy(ex, why)
			return true
		default:
			pc.o.Applies, pc.o.Required = boolPtr(false), boolPtr(false)
			pc.o.Standard = pc.ev.cat.Vocabulary.p().notRequired
			pc.o.Explanation = fmt.Sprintf(pc.ev.cat.Vocabulary.p().exemptExplanation, ex.Label, ex.Citation, why)
			return true
		}
	}
	return false
}

func exemptionReading(say *phrases, ex *Exemption) Alternative {
	a := Alternative{Basis: fmt.Sprintf(say.exemptionAlt, ex.Label, ex.Citation, ex.Status)}
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
	say := pc.ev.cat.Vocabulary.p()
	o.Standard = fmt.Sprintf(say.satisfiedByStandard, ex.SatisfiedBy)
	o.Explanation = fmt.Sprintf(say.satisfiedByExplanation, why, ex.SatisfiedBy, ex.Label, ex.Citation)
}

// lawEnforcement applies a law-enforcement delay to the computed date.
func (pc *profileCheck) lawEnforcement(d *deadline) {
	le := pc.p.LawEnforcement
	parts := le.partsOrDefault()
	if !appliesToPart(parts, pc.r.Part) || !pc.delayed() {
		return
	}
	applied := le.Status != StatusUnverified
	pc.o.Provisions = append(pc.o.Provisions, Provision{Kind: "law_enforcement_delay", Label: pc.ev.cat.Vocabulary.p().leLabel,
		Citation: le.Citation, Status: le.Status, Note: le.Note, Applied: applied})
	start, hasStart := pc.ev.f.event("le_delay_requested")
	end, hasEnd := pc.ev.f.event("le_delay_lifted")
	switch {
	case le.Effect == LEHold || d.due == nil && le.Effect == LEToll:
		d.notes = append(d.notes, fmt.Sprintf(pc.ev.cat.Vocabulary.p().leHoldNote, le.Citation))
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
	say := pc.ev.cat.Vocabulary.p()
	basis := fmt.Sprintf(say.leSuspendBasis, le.Citation, le.Status)
	if !known {
		d.notes = append(d.notes, say.leWithheldNote)
		pc.readings = append(pc.readings, Alternative{Basis: fmt.Sprintf(say.leLaterAlt, basis)})
		return
	}
	loc := d.due.Location()
	days := daysBetween(clock.DateOf(start.In(loc)), clock.DateOf(end.In(loc)))
	moved := d.due.AddDate(0, 0, days)
	if applied {
		d.addAlt(*d.due, say.leWithoutSuspension)
		d.due = &moved
		return
	}
	d.notes = append(d.notes, say.leWithheldUnverified)
	d.addAlt(moved, basis)
}

// restart counts a new period from the end of the delay (Maine: 7
// business days after the agency determines notice will no longer
// compromise the investigation). The earlier of that and the ordinary
// date is due while both are open.
func (pc *profileCheck) restart(d *deadline, le *LEDelay, end time.Time, hasEnd bool) {
	say := pc.ev.cat.Vocabulary.p()
	if !hasEnd {
		d.due = nil
		d.standard = fmt.Sprintf(say.leStandard, *le.BusinessDays, le.Citation)
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
	basis := fmt.Sprintf(say.leClearedBasis, *le.BusinessDays, le.Citation)
	if d.due == nil || d.due.Before(end) || after.Before(*d.due) {
		if d.due != nil && !d.due.Before(end) {
			d.addAlt(*d.due, say.leOrdinaryPeriod)
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
