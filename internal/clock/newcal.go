package clock

import (
	"fmt"
	"strings"
	"time"
)

var statuses = map[string]bool{"verified": true, "secondary": true, "unverified": true}

// newCalendar validates fc and builds a calendar, inheriting rules,
// closures, weekend and flags from parent when it is not nil.
func newCalendar(id string, fc fileCalendar, parent *Calendar) (*Calendar, error) {
	if strings.TrimSpace(fc.Name) == "" {
		return nil, fieldErr("name", "is required")
	}
	if !statuses[fc.Status] {
		return nil, fieldErr("status", "want verified, secondary or unverified, got %q", fc.Status)
	}
	if strings.TrimSpace(fc.Source) == "" {
		return nil, fieldErr("source", "is required")
	}
	c := &Calendar{id: id, name: fc.Name, status: fc.Status, source: fc.Source, closures: map[Date]Holiday{}}
	c.weekend[time.Saturday], c.weekend[time.Sunday] = true, true
	if parent != nil {
		c.inherit(parent)
	}
	if err := c.applyFlags(fc); err != nil {
		return nil, err
	}
	c.applyCitizens(fc)
	if err := c.applyCovers(fc); err != nil {
		return nil, err
	}
	for i, f := range fc.Holidays {
		r, err := parseRule(fmt.Sprintf("holidays[%d]", i), f)
		if err != nil {
			return nil, err
		}
		c.rules = append(c.rules, r)
	}
	for i, f := range fc.Closures {
		h, err := parseClosure(fmt.Sprintf("closures[%d]", i), f)
		if err != nil {
			return nil, err
		}
		c.closures[h.Date] = h
	}
	return c, nil
}

func (c *Calendar) inherit(p *Calendar) {
	c.weekend, c.everyWeek, c.citizensRule = p.weekend, p.everyWeek, p.citizensRule
	c.coverFrom, c.coverTo = p.coverFrom, p.coverTo
	c.rules = append(c.rules, p.rules...)
	p.mu.Lock()
	defer p.mu.Unlock()
	for d, h := range p.closures {
		c.closures[d] = h
	}
}

func (c *Calendar) applyFlags(fc fileCalendar) error {
	if fc.Weekend != nil {
		set, err := parseWeekdaySet("weekend", fc.Weekend)
		if err != nil {
			return err
		}
		if set == [7]bool{true, true, true, true, true, true, true} {
			return fieldErr("weekend", "cannot hold every day of the week")
		}
		c.weekend = set
	}
	if fc.EveryWeek != nil {
		set, err := parseWeekdaySet("every_week", fc.EveryWeek)
		if err != nil {
			return err
		}
		c.everyWeek = set
	}
	for wd := range 7 {
		if !c.weekend[wd] && !c.everyWeek[wd] {
			return nil
		}
	}
	return fieldErr("every_week", "with weekend leaves no working day in the week")
}

func (c *Calendar) applyCitizens(fc fileCalendar) {
	if fc.CitizensHoliday != nil {
		c.citizensRule = *fc.CitizensHoliday
	}
}

// applyCovers reads the years a calendar covers; a calendar extending
// another narrows its parent's range, never widens it.
func (c *Calendar) applyCovers(fc fileCalendar) error {
	if fc.Covers == nil {
		return nil
	}
	from, to := fc.Covers.From, fc.Covers.To
	if from <= 0 || to < from {
		return fieldErr("covers", "want from <= to, both years, got %d-%d", from, to)
	}
	if c.coverFrom != 0 && from < c.coverFrom || c.coverTo != 0 && to > c.coverTo {
		return fieldErr("covers", "%d-%d is wider than the parent's %d-%d", from, to, c.coverFrom, c.coverTo)
	}
	c.coverFrom, c.coverTo = from, to
	return nil
}
