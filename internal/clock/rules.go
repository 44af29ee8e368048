package clock

import "time"

// Kinds of non-working day reported by Calendar.Holiday.
const (
	KindHoliday     = "holiday"
	KindClosure     = "closure"
	KindWeekendRule = "weekend-rule"
)

// observance moves a holiday that falls on a given weekday.
type observance struct {
	on time.Weekday
	// shift is the fixed number of days to move (e.g. -1 Sat->Fri);
	// when next is true the holiday instead moves to the next day that is
	// neither a weekend day nor already a holiday.
	shift int
	next  bool
}

// rule is one recurring (or one-off) holiday definition after validation.
type rule struct {
	name    string
	kind    string
	from    int // first year in force; 0 = always
	to      int // last year in force; 0 = open
	span    int // number of consecutive days (>= 1)
	observe []observance
	dates   func(year int) []Date
}

func (r rule) inForce(year int) bool {
	return (r.from == 0 || year >= r.from) && (r.to == 0 || year <= r.to)
}

// fixedDate is month-day every year (skipping Feb 29 in common years).
func fixedDate(m time.Month, day int) func(int) []Date {
	return func(y int) []Date {
		if day > daysIn(y, m) {
			return nil
		}
		return []Date{{Year: y, Month: m, Day: day}}
	}
}

// oneOff is a single date.
func oneOff(d Date) func(int) []Date {
	return func(y int) []Date {
		if y != d.Year {
			return nil
		}
		return []Date{d}
	}
}

// nthWeekday is the nth wd of month m (n < 0 counts from the end: -1 = last).
func nthWeekday(m time.Month, wd time.Weekday, n int) func(int) []Date {
	return func(y int) []Date {
		if n > 0 {
			first := Date{Year: y, Month: m, Day: 1}
			off := (int(wd) - int(first.Weekday()) + 7) % 7
			d := first.AddDays(off + 7*(n-1))
			if d.Month != m {
				return nil
			}
			return []Date{d}
		}
		last := Date{Year: y, Month: m, Day: daysIn(y, m)}
		off := (int(last.Weekday()) - int(wd) + 7) % 7
		d := last.AddDays(-off - 7*(-n-1))
		if d.Month != m {
			return nil
		}
		return []Date{d}
	}
}

// weekdayBefore is the last wd strictly before month-day (Victoria Day:
// the Monday before May 25).
func weekdayBefore(m time.Month, day int, wd time.Weekday) func(int) []Date {
	return func(y int) []Date {
		d := Date{Year: y, Month: m, Day: day}.AddDays(-1)
		for d.Weekday() != wd {
			d = d.AddDays(-1)
		}
		return []Date{d}
	}
}

// weekdayAfter is the first wd strictly after month-day (Swedish Midsummer
// Day: the Saturday after June 19).
func weekdayAfter(m time.Month, day int, wd time.Weekday) func(int) []Date {
	return func(y int) []Date {
		d := Date{Year: y, Month: m, Day: day}.AddDays(1)
		for d.Weekday() != wd {
			d = d.AddDays(1)
		}
		return []Date{d}
	}
}

// fridayException replaces the computed date by month-day when month-day is
// a Friday (Ireland's St Brigid's Day: first Monday of February, or 1
// February when that is a Friday).
func fridayException(inner func(int) []Date, m time.Month, day int) func(int) []Date {
	return func(y int) []Date {
		d := Date{Year: y, Month: m, Day: day}
		if d.Weekday() == time.Friday {
			return []Date{d}
		}
		return inner(y)
	}
}

// easterOffset is Western Easter Sunday plus off days.
func easterOffset(off int) func(int) []Date {
	return func(y int) []Date {
		return []Date{easter(y).AddDays(off)}
	}
}

// equinoxDay is the Japanese equinox holiday in month m.
func equinoxDay(m time.Month) func(int) []Date {
	return func(y int) []Date {
		d, ok := equinox(y, m)
		if !ok {
			return nil
		}
		return []Date{d}
	}
}
