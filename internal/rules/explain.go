package rules

import (
	"fmt"
	"strings"

	"github.com/breachline/breachline/internal/clock"
)

// applyPrefix opens the explanation of a rule that applies, or may.
func applyPrefix(say *phrases, kind string, val tri) string {
	switch {
	case val == triUnknown:
		return say.prefixUndetermined
	case kind == KindPermitted:
		return say.prefixPermitted
	}
	return say.prefixApplies
}

// clockText says when the duty falls due, in the words its kind calls for.
func (ev *evaluator) clockText(r *Rule, o *Obligation, d deadline) string {
	var b strings.Builder
	say := ev.cat.Vocabulary.p()
	switch {
	case d.due != nil:
		fmt.Fprintf(&b, say.dueSentence, say.dateWord(o.Kind), d.due.Format(timeLayout), ev.periodWords(d.periodClock(&r.Clock), d))
	case d.standard != "":
		fmt.Fprintf(&b, say.noFixedDeadline, d.standard)
	}
	for _, n := range d.notes {
		b.WriteString(" " + upperFirst(n) + ".")
	}
	return strings.TrimSpace(b.String())
}

// dateWord introduces the date of a duty of the given kind.
func (p *phrases) dateWord(kind string) string {
	switch kind {
	case KindRetention:
		return p.keepUntil
	case KindPermitted:
		return p.mayUntil
	case KindTarget:
		return p.targetWord
	}
	return p.dueWord
}

// periodWords says how a date was counted: "60 calendar days from
// discovery 2025-03-03T00:00:00-08:00".
func (ev *evaluator) periodWords(c *Clock, d deadline) string {
	say := ev.cat.Vocabulary.p()
	from := ev.cat.Vocabulary.EventName(d.anchor)
	if !d.anchorAt.IsZero() {
		from += " " + d.anchorAt.Format(timeLayout)
	}
	if c.AnchorAt == "year_end" && !d.anchorAt.IsZero() {
		yearEnd := clock.DateOf(d.anchorAt.In(ev.calc.zone(c, d.anchorAt)))
		from = fmt.Sprintf(say.yearEndOf, yearEnd.Year, from)
	}
	switch c.kind() {
	case "hours":
		return fmt.Sprintf(say.periodHours, *c.Hours, from)
	case "calendar_days":
		return fmt.Sprintf(say.periodCalendarDays, *c.CalendarDays, from)
	case "business_days":
		return fmt.Sprintf(say.periodBusinessDays, *c.BusinessDays, ev.calendarName(c.Calendar), from)
	case "months":
		return fmt.Sprintf(say.periodMonths, *c.Months, from)
	case "annual":
		return fmt.Sprintf(say.periodAnnual, from)
	}
	return fmt.Sprintf(say.periodFrom, from)
}

// calendarName names a business-day calendar, or gives its id when it
// cannot be resolved.
func (ev *evaluator) calendarName(id string) string {
	if cal, err := ev.calc.calendar(id); err == nil {
		return ev.cat.Vocabulary.calendarName(cal.Name())
	}
	return id
}

func (p *phrases) periodText(r *Rule) string {
	switch {
	case r.EffectiveFrom != "" && r.EffectiveTo != "":
		return fmt.Sprintf(p.versionInForce, r.Version, r.EffectiveFrom, r.EffectiveTo)
	case r.EffectiveFrom != "":
		return fmt.Sprintf(p.inForceFrom, r.EffectiveFrom)
	}
	return fmt.Sprintf(p.versionEnded, r.Version, r.EffectiveTo)
}

// periodClock is the clock that produced the date, or fallback.
func (d deadline) periodClock(fallback *Clock) *Clock {
	if d.clock != nil {
		return d.clock
	}
	return fallback
}
