package rules

import (
	"fmt"
	"strings"

	"github.com/breachline/breachline/internal/clock"
)

// applyPrefix opens the explanation of a rule that applies, or may.
func applyPrefix(kind string, val tri) string {
	switch {
	case val == triUnknown:
		return "Undetermined (answer the missing questions): "
	case kind == KindPermitted:
		return "Permitted, not required: "
	}
	return "Applies: "
}

// clockText says when the duty falls due, in the words its kind calls for.
func (ev *evaluator) clockText(r *Rule, o *Obligation, d deadline) string {
	var b strings.Builder
	switch {
	case d.due != nil:
		fmt.Fprintf(&b, "%s %s (%s).", dateWord(o.Kind), d.due.Format(timeLayout), ev.periodWords(d.periodClock(&r.Clock), d))
	case d.standard != "":
		fmt.Fprintf(&b, "No fixed deadline: %s.", d.standard)
	}
	for _, n := range d.notes {
		b.WriteString(" " + upperFirst(n) + ".")
	}
	return strings.TrimSpace(b.String())
}

// dateWord introduces the date of a duty of the given kind.
func dateWord(kind string) string {
	switch kind {
	case KindRetention:
		return "Keep the record until at least"
	case KindPermitted:
		return "May be done until"
	case KindTarget:
		return "No date in the statute; target date (practice, not a statutory deadline)"
	}
	return "Due"
}

// periodWords says how a date was counted: "60 calendar days from
// discovery 2025-03-03T00:00:00-08:00".
func (ev *evaluator) periodWords(c *Clock, d deadline) string {
	from := ev.cat.Vocabulary.EventName(d.anchor)
	if !d.anchorAt.IsZero() {
		from += " " + d.anchorAt.Format(timeLayout)
	}
	if c.AnchorAt == "year_end" && !d.anchorAt.IsZero() {
		yearEnd := clock.DateOf(d.anchorAt.In(ev.calc.zone(c, d.anchorAt)))
		from = fmt.Sprintf("31 December %d, the end of the calendar year of %s", yearEnd.Year, from)
	}
	switch c.kind() {
	case "hours":
		return fmt.Sprintf("%d hours from %s", *c.Hours, from)
	case "calendar_days":
		return fmt.Sprintf("%d calendar days from %s", *c.CalendarDays, from)
	case "business_days":
		return fmt.Sprintf("%d business days (%s) from %s", *c.BusinessDays, ev.calendarName(c.Calendar), from)
	case "months":
		return fmt.Sprintf("%d months from %s", *c.Months, from)
	case "annual":
		return fmt.Sprintf("annual date for the year of %s", from)
	}
	return "counted from " + from
}

// calendarName names a business-day calendar, or gives its id when it
// cannot be resolved.
func (ev *evaluator) calendarName(id string) string {
	if cal, err := ev.calc.calendar(id); err == nil {
		return cal.Name()
	}
	return id
}

func periodText(r *Rule) string {
	switch {
	case r.EffectiveFrom != "" && r.EffectiveTo != "":
		return fmt.Sprintf("version %s in force %s to %s", r.Version, r.EffectiveFrom, r.EffectiveTo)
	case r.EffectiveFrom != "":
		return fmt.Sprintf("in force from %s", r.EffectiveFrom)
	}
	return fmt.Sprintf("version %s ended %s", r.Version, r.EffectiveTo)
}

// periodClock is the clock that produced the date, or fallback.
func (d deadline) periodClock(fallback *Clock) *Clock {
	if d.clock != nil {
		return d.clock
	}
	return fallback
}
