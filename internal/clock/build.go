package clock

import (
	"slices"
	"time"
)

// pending is a holiday occurrence before observance rules are applied.
type pending struct {
	h       Holiday
	observe []observance
}

// build computes the named non-working days of year y. Neighbouring years
// are evaluated too, because an observed day can cross the year boundary
// (US: New Year's Day on a Saturday is observed on Friday 31 December) and
// a closure can span it (Japan: 29 December to 3 January).
func (c *Calendar) build(y int) map[Date]Holiday {
	occ := c.occurrences(y-1, y+1)
	all := map[Date]Holiday{}
	// Holidays win over recurring closures on the same day (Japan: New
	// Year's Day inside the year-end closure).
	for _, kind := range []string{KindHoliday, KindClosure} {
		for _, p := range occ {
			if _, dup := all[p.h.Date]; !dup && p.h.Kind == kind {
				all[p.h.Date] = p.h
			}
		}
	}
	if c.citizensRule {
		c.addCitizensHolidays(all)
	}
	c.applyObservance(occ, all)
	for d, h := range c.closures {
		if _, dup := all[d]; !dup {
			all[d] = h
		}
	}
	out := map[Date]Holiday{}
	for d, h := range all {
		if d.Year == y {
			out[d] = h
		}
	}
	return out
}

// occurrences lists the actual dates of every rule in years [from, to], sorted.
func (c *Calendar) occurrences(from, to int) []pending {
	var occ []pending
	for year := from; year <= to; year++ {
		for _, r := range c.rules {
			if !r.inForce(year) {
				continue
			}
			for _, d := range r.dates(year) {
				for i := range r.span {
					h := Holiday{Date: d.AddDays(i), Name: r.name, Kind: r.kind}
					occ = append(occ, pending{h: h, observe: r.observe})
				}
			}
		}
	}
	slices.SortStableFunc(occ, func(a, b pending) int { return a.h.Date.Compare(b.h.Date) })
	return occ
}

// applyObservance adds observed days, in date order so that a later
// substitute skips an earlier one (Christmas on Saturday takes Monday,
// Boxing Day on Sunday then takes Tuesday).
func (c *Calendar) applyObservance(occ []pending, all map[Date]Holiday) {
	for _, p := range occ {
		for _, o := range p.observe {
			if p.h.Date.Weekday() != o.on {
				continue
			}
			target := p.h.Date.AddDays(o.shift)
			if o.next {
				target = c.nextFree(p.h.Date, all)
			}
			if _, dup := all[target]; !dup {
				all[target] = Holiday{Date: target, Name: p.h.Name + " (observed)", Kind: p.h.Kind}
			}
		}
	}
}

// nextFree is the first day after d that is neither a weekend day nor
// already a holiday.
func (c *Calendar) nextFree(d Date, all map[Date]Holiday) Date {
	for {
		d = d.AddDays(1)
		if _, hol := all[d]; !hol && !c.weekend[d.Weekday()] {
			return d
		}
	}
}

// addCitizensHolidays applies Japan's rule (Act on National Holidays art.
// 3(3)): a day that is not itself a national holiday, lying between two
// national holidays, is a holiday.
func (c *Calendar) addCitizensHolidays(all map[Date]Holiday) {
	var add []Date
	for d, h := range all {
		if h.Kind != KindHoliday {
			continue
		}
		mid, after := d.AddDays(1), d.AddDays(2)
		if _, hol := all[mid]; hol {
			continue
		}
		if h2, ok := all[after]; ok && h2.Kind == KindHoliday && mid.Weekday() != time.Sunday {
			add = append(add, mid)
		}
	}
	for _, d := range add {
		all[d] = Holiday{Date: d, Name: "Citizens' Holiday", Kind: KindHoliday}
	}
}
