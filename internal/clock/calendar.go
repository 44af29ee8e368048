package clock

import (
	"slices"
	"sync"
	"time"
)

// Holiday is a named non-working day of a calendar.
type Holiday struct {
	Date Date
	Name string
	// Kind is KindHoliday, KindClosure or KindWeekendRule (a weekday that
	// is a holiday every week, such as Sunday under Ontario's Legislation Act).
	Kind string
	// Unconfirmed marks a closure that is expected but not confirmed.
	Unconfirmed bool
}

// Calendar decides which days are business days for one jurisdiction.
// It is safe for concurrent use; closures stored at run time are applied
// to a copy (Registry.WithClosures).
type Calendar struct {
	id, name, status, source string

	weekend      [7]bool
	everyWeek    [7]bool // weekdays that are named holidays every week
	rules        []rule
	citizensRule bool // Japan: a day between two national holidays is a holiday

	// coverFrom and coverTo bound the years the calendar knows (0 = open).
	coverFrom, coverTo int

	mu        sync.Mutex
	closures  map[Date]Holiday
	years     map[int]map[Date]Holiday
	confirmed *Calendar // the calendar without its unconfirmed closures
}

// ID returns the calendar id (its file name without .yaml).
func (c *Calendar) ID() string { return c.id }

// Name returns the human-readable calendar name.
func (c *Calendar) Name() string { return c.name }

// Status returns verified, secondary or unverified.
func (c *Calendar) Status() string { return c.status }

// Source returns where the calendar's rules come from.
func (c *Calendar) Source() string { return c.source }

// IsWeekend reports whether d falls on one of this calendar's weekend days.
func (c *Calendar) IsWeekend(d Date) bool { return c.weekend[d.Weekday()] }

// Holiday reports whether d is a named non-working day: a holiday, an
// observed or substitute holiday, a closure, or a weekday that is a holiday
// every week. Plain weekend days are not holidays.
func (c *Calendar) Holiday(d Date) (Holiday, bool) {
	if h, ok := c.year(d.Year)[d]; ok {
		return h, true
	}
	if wd := d.Weekday(); c.everyWeek[wd] {
		return Holiday{Date: d, Name: wd.String(), Kind: KindWeekendRule}, true
	}
	return Holiday{}, false
}

// IsBusinessDay reports whether d is neither a weekend day nor a holiday or closure.
func (c *Calendar) IsBusinessDay(d Date) bool {
	if c.weekend[d.Weekday()] {
		return false
	}
	_, hol := c.Holiday(d)
	return !hol
}

// AddBusinessDays counts n business days after d: the first business day
// after d is day 1. n == 0 returns d unchanged; n < 0 counts backwards.
func (c *Calendar) AddBusinessDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// NextBusinessDay returns d if it is a business day, else the first
// business day after it.
func (c *Calendar) NextBusinessDay(d Date) Date {
	for !c.IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// Holidays lists every named non-working day of year, sorted by date,
// including observed days, closures and every-week holidays.
func (c *Calendar) Holidays(year int) []Holiday {
	m := c.year(year)
	out := make([]Holiday, 0, len(m)+53)
	for _, h := range m {
		out = append(out, h)
	}
	for d := (Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		if _, named := m[d]; !named && c.everyWeek[d.Weekday()] {
			out = append(out, Holiday{Date: d, Name: d.Weekday().String(), Kind: KindWeekendRule})
		}
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

// year returns the cached holiday map of year, building it on first use.
// The returned map is never mutated after it is published.
func (c *Calendar) year(y int) map[Date]Holiday {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.years[y]; ok {
		return m
	}
	m := c.build(y)
	if c.years == nil {
		c.years = map[int]map[Date]Holiday{}
	}
	c.years[y] = m
	return m
}
