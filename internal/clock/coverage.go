package clock

import (
	"errors"
	"fmt"
)

// ErrNotCovered is returned (wrapped) for a date in a year the calendar's
// holidays are not known for: a published list ends, and saying "no
// holiday" there would be a guess.
var ErrNotCovered = errors.New("date outside the years the calendar covers")

// Coverage returns the inclusive range of years the calendar knows, and
// false when it applies to every year (holidays defined by rules alone).
func (c *Calendar) Coverage() (from, to int, limited bool) {
	return c.coverFrom, c.coverTo, c.coverFrom != 0 || c.coverTo != 0
}

// Check returns an error wrapping ErrNotCovered when a date lies outside
// the calendar's covered years.
func (c *Calendar) Check(dates ...Date) error {
	for _, d := range dates {
		if (c.coverFrom != 0 && d.Year < c.coverFrom) || (c.coverTo != 0 && d.Year > c.coverTo) {
			return fmt.Errorf("calendar %s (%s) covers %d-%d; %s: %w", c.id, c.name, c.coverFrom, c.coverTo, d, ErrNotCovered)
		}
	}
	return nil
}

// BusinessDaysAfter is AddBusinessDays for calendars whose holidays are
// known only for some years: it fails when the count starts or ends outside
// them, since every year in between is then covered too.
func (c *Calendar) BusinessDaysAfter(d Date, n int) (Date, error) {
	if err := c.Check(d); err != nil {
		return Date{}, err
	}
	out := c.AddBusinessDays(d, n)
	if err := c.Check(out); err != nil {
		return Date{}, err
	}
	return out, nil
}

// NextBusinessDayFrom is NextBusinessDay with the coverage check.
func (c *Calendar) NextBusinessDayFrom(d Date) (Date, error) {
	if err := c.Check(d); err != nil {
		return Date{}, err
	}
	out := c.NextBusinessDay(d)
	return out, c.Check(out)
}

// NextNonHoliday returns d if it is not a holiday, else the first day after
// it that is not (weekend days that are not named holidays count as days:
// Ontario's Legislation Act s.89 moves a deadline off a holiday, and
// Saturday is not one).
func (c *Calendar) NextNonHoliday(d Date) (Date, error) {
	if err := c.Check(d); err != nil {
		return Date{}, err
	}
	for _, hol := c.Holiday(d); hol; _, hol = c.Holiday(d) {
		d = d.AddDays(1)
	}
	return d, c.Check(d)
}

// Confirmed returns the calendar without its unconfirmed closures: the
// days an executive order closed agencies but the filing system's own
// closure is not confirmed count as business days. It returns c itself
// when c has no unconfirmed closure.
func (c *Calendar) Confirmed() *Calendar {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.confirmed != nil {
		return c.confirmed
	}
	kept := map[Date]Holiday{}
	for d, h := range c.closures {
		if !h.Unconfirmed {
			kept[d] = h
		}
	}
	if len(kept) == len(c.closures) {
		c.confirmed = c
		return c
	}
	c.confirmed = &Calendar{id: c.id, name: c.name, status: c.status, source: c.source,
		weekend: c.weekend, everyWeek: c.everyWeek, rules: c.rules, citizensRule: c.citizensRule,
		coverFrom: c.coverFrom, coverTo: c.coverTo, closures: kept}
	return c.confirmed
}

// Unconfirmed lists the unconfirmed closures from a to b inclusive.
func (c *Calendar) Unconfirmed(a, b Date) []Holiday {
	var out []Holiday
	for d := a; !d.After(b); d = d.AddDays(1) {
		if h, ok := c.Holiday(d); ok && h.Unconfirmed {
			out = append(out, h)
		}
	}
	return out
}
