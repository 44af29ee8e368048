package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/clock"
)

// deadline is a computed due time, or the reason there is none.
type deadline struct {
	due *time.Time
	// alts are other readings of the date, after the conservative one.
	alts     []Alternative
	standard string
	anchor   string
	anchorAt time.Time
	notes    []string
	missing  []string
	// clock is the clock (or clock case) that gave the date.
	clock *Clock
}

// clockCalc computes deadlines for one evaluation.
type clockCalc struct {
	f    *parsedFacts
	env  *condEnv
	cals Calendars
}

// compute evaluates a clock, choosing a case first when it has cases.
func (cc *clockCalc) compute(c *Clock) deadline {
	switch c.kind() {
	case "cases":
		return cc.cases(c)
	case "earliest_of":
		d := cc.earliest(c)
		cc.rollForward(c, &d)
		return d
	}
	d := deadline{standard: c.Standard, clock: c}
	anchor, at, ok := cc.anchor(c)
	d.anchor = anchor
	if !ok {
		d.notes = append(d.notes, fmt.Sprintf(cc.env.vocab.p().clockNotStarted, cc.env.vocab.EventName(c.Anchor)))
		return d
	}
	d.anchorAt = at
	if c.None {
		return d
	}
	due, err := cc.period(c, at)
	if err != nil {
		d.notes = append(d.notes, err.Error())
		return d
	}
	d.due = &due
	cc.unconfirmedClosures(c, at, &d)
	cc.rollForward(c, &d)
	return d
}

// unconfirmedClosures counts a business-day period again with the
// calendar's unconfirmed closures open. When that gives an earlier date, the
// earlier date is due (conservative) and the later one is the alternative,
// with the closures named.
func (cc *clockCalc) unconfirmedClosures(c *Clock, at time.Time, d *deadline) {
	if c.BusinessDays == nil {
		return
	}
	cal, err := cc.calendar(c.Calendar)
	if err != nil || cal.Confirmed() == cal {
		return
	}
	loc := cc.zone(c, at)
	start := clock.DateOf(at.In(loc))
	open, err := cal.Confirmed().BusinessDaysAfter(start, *c.BusinessDays)
	closedDue := *d.due
	if err != nil || !open.Before(clock.DateOf(closedDue)) {
		return
	}
	early := endAt(open, loc, c.At, at)
	var names []string
	for _, h := range cal.Unconfirmed(start, clock.DateOf(closedDue)) {
		names = append(names, fmt.Sprintf(cc.env.vocab.p().closureName, h.Date, h.Name))
	}
	d.due = &early
	say := cc.env.vocab.p()
	d.addAlt(closedDue, fmt.Sprintf(say.unconfirmedAlt, strings.Join(names, " "+say.and+" ")))
	d.notes = append(d.notes, fmt.Sprintf(say.unconfirmedNote, strings.Join(names, ", ")))
}

// anchor finds the clock-start instant: the anchor event, else fallbacks.
func (cc *clockCalc) anchor(c *Clock) (string, time.Time, bool) {
	for _, id := range append([]string{c.Anchor}, c.Fallback...) {
		if t, ok := cc.f.event(id); ok {
			return id, t, true
		}
	}
	return c.Anchor, time.Time{}, false
}

// zone is where a deadline is computed and shown: the rule's zone, else the
// organization's, else the zone the anchor event was recorded in.
func (cc *clockCalc) zone(c *Clock, anchor time.Time) *time.Location {
	if c.Zone != "" {
		if loc, err := time.LoadLocation(c.Zone); err == nil {
			return loc
		}
	}
	if cc.f.Organization.TimeZone != "" {
		return cc.f.loc
	}
	return anchor.Location()
}

func (cc *clockCalc) period(c *Clock, at time.Time) (time.Time, error) {
	loc := cc.zone(c, at)
	if c.Hours != nil {
		// Hours are elapsed time: add in UTC, then show locally (DST-safe).
		return at.UTC().Add(time.Duration(*c.Hours) * time.Hour).In(loc), nil
	}
	start := clock.DateOf(at.In(loc))
	if c.AnchorAt == "year_end" {
		start = clock.Date{Year: start.Year, Month: time.December, Day: 31}
	}
	switch {
	case c.CalendarDays != nil:
		n := *c.CalendarDays
		if c.CountFrom == "same_day" && n > 0 {
			n--
		}
		return endAt(start.AddDays(n), loc, c.At, at), nil
	case c.BusinessDays != nil:
		cal, err := cc.calendar(c.Calendar)
		if err != nil {
			return time.Time{}, err
		}
		end, err := cal.BusinessDaysAfter(start, *c.BusinessDays)
		if err != nil {
			return time.Time{}, err
		}
		return endAt(end, loc, c.At, at), nil
	case c.Months != nil:
		return endAt(clock.AddMonths(start, *c.Months), loc, c.At, at), nil
	case c.Annual != nil:
		d := clock.Date{Year: start.Year + c.Annual.YearOffset, Month: time.Month(c.Annual.Month), Day: c.Annual.Day}
		return endAt(d, loc, c.At, at), nil
	}
	return time.Time{}, fmt.Errorf("clock has no period")
}

// endAt places a due date at its time of day: 23:59:59 by default, a fixed
// "HH:MM[:SS]", or the anchor's own wall-clock time ("wall_clock").
func endAt(d clock.Date, loc *time.Location, at string, anchor time.Time) time.Time {
	switch at {
	case "":
		return clock.EndOfDay(d, loc)
	case "wall_clock":
		a := anchor.In(loc)
		return d.In(loc, a.Hour(), a.Minute(), a.Second())
	}
	h, m, s := parseTimeOfDay(at)
	return d.In(loc, h, m, s)
}

// parseTimeOfDay reads "15:04[:05]"; the catalogue's times are checked when
// it loads, so a part that does not parse is left at zero.
func parseTimeOfDay(s string) (int, int, int) {
	var h, m, sec int
	parts := strings.Split(s, ":")
	_, _ = fmt.Sscanf(parts[0], "%d", &h)
	if len(parts) > 1 {
		_, _ = fmt.Sscanf(parts[1], "%d", &m)
	}
	if len(parts) > 2 {
		_, _ = fmt.Sscanf(parts[2], "%d", &sec)
	}
	return h, m, sec
}

// calendar resolves a calendar id; "@home" is the organization's country.
func (cc *clockCalc) calendar(id string) (*clock.Calendar, error) {
	if id == "@home" {
		home := cc.f.Organization.Home
		if home == "" {
			return nil, fmt.Errorf("the organization's home calendar is needed but organization.home is not given")
		}
		id, _, _ = strings.Cut(home, "-")
	}
	if cc.cals == nil {
		return nil, fmt.Errorf("calendar %s is needed but no calendar registry was given", id)
	}
	cal, err := cc.cals.Calendar(id)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", id, err)
	}
	return cal, nil
}

// rollForward moves a due date off non-working days when the rule allows.
func (cc *clockCalc) rollForward(c *Clock, d *deadline) {
	rf := c.RollForward
	if rf == nil || d.due == nil {
		return
	}
	if rf.When != nil {
		v := rf.When.eval(cc.env)
		if v.val != triTrue {
			d.missing = append(d.missing, v.missing...)
			d.notes = append(d.notes, fmt.Sprintf(cc.env.vocab.p().noRollForward, strings.Join(v.reasons, "; ")))
			return
		}
	}
	cal, err := cc.calendar(rf.Calendar)
	if err != nil {
		d.notes = append(d.notes, "no roll-forward: "+err.Error())
		return
	}
	loc := d.due.Location()
	day := clock.DateOf(*d.due)
	var rolled clock.Date
	if rf.Skip == "holidays" {
		rolled, err = cal.NextNonHoliday(day)
	} else {
		rolled, err = cal.NextBusinessDayFrom(day)
	}
	if err != nil {
		d.notes = append(d.notes, "no roll-forward: "+err.Error())
		return
	}
	if rolled.Equal(day) {
		return
	}
	orig := *d.due
	var moved time.Time
	if rf.At != "" {
		h, m, s := parseTimeOfDay(rf.At)
		moved = rolled.In(loc, h, m, s)
	} else {
		moved = rolled.In(loc, orig.Hour(), orig.Minute(), orig.Second())
	}
	if rf.Conservative {
		d.addAlt(moved, rf.Basis)
		d.notes = append(d.notes, fmt.Sprintf(cc.env.vocab.p().holidayNotExtended, day, cc.env.vocab.calendarName(cal.Name())))
		return
	}
	d.due = &moved
	d.notes = append(d.notes, fmt.Sprintf(cc.env.vocab.p().movedFrom, orig.Format(timeLayout), cc.env.vocab.calendarName(cal.Name())))
	if rf.Basis != "" {
		d.addAlt(orig, rf.Basis)
	}
}

// addAlt records another reading of the date.
func (d *deadline) addAlt(t time.Time, basis string) {
	d.alts = append(d.alts, Alternative{Due: &t, DueDate: datePtr(t), Basis: basis})
}

// cases runs the first case whose condition holds.
func (cc *clockCalc) cases(c *Clock) deadline {
	var missing, notes []string
	for _, cs := range c.Cases {
		if cs.When != nil {
			v := cs.When.eval(cc.env)
			if v.val == triUnknown {
				missing = append(missing, v.missing...)
				notes = append(notes, fmt.Sprintf(cc.env.vocab.p().undecidedCase, strings.Join(v.reasons, "; ")))
				continue
			}
			if v.val == triFalse {
				continue
			}
		}
		d := cc.compute(&cs.Clock)
		if cs.Note != "" {
			d.notes = append([]string{cs.Note}, d.notes...)
		}
		d.missing = append(d.missing, missing...)
		d.notes = append(notes, d.notes...)
		return d
	}
	return deadline{missing: missing, notes: append(notes, cc.env.vocab.p().noCase)}
}

// earliest takes the earliest candidate deadline still open at the
// IgnorePassedAt event.
func (cc *clockCalc) earliest(c *Clock) deadline {
	var best deadline
	var pending []string
	cut, hasCut := time.Time{}, false
	if c.EarliestOf.IgnorePassedAt != "" {
		cut, hasCut = cc.f.event(c.EarliestOf.IgnorePassedAt)
	}
	for i := range c.EarliestOf.Clocks {
		d := cc.compute(&c.EarliestOf.Clocks[i])
		if d.due == nil {
			pending = append(pending, cc.env.vocab.EventName(c.EarliestOf.Clocks[i].Anchor))
			continue
		}
		if hasCut && d.due.Before(cut) {
			v := cc.env.vocab
			best.notes = append(best.notes, fmt.Sprintf(v.p().limitPassed, v.EventName(d.anchor), d.due.Format(timeLayout), v.EventName(c.EarliestOf.IgnorePassedAt)))
			continue
		}
		if best.due == nil || d.due.Before(*best.due) {
			notes := best.notes
			best = d
			best.notes = append(notes, d.notes...)
		}
	}
	if len(pending) > 0 {
		best.notes = append(best.notes, fmt.Sprintf(cc.env.vocab.p().earliestPending, strings.Join(pending, ", ")))
	}
	if best.standard == "" {
		best.standard = c.Standard
	}
	return best
}
