// Package clock does deadline arithmetic on civil dates: business days under
// holiday calendars that are loaded as data, month arithmetic and end-of-day
// instants in a time zone. It is pure: it never reads the wall clock.
package clock

import (
	"fmt"
	"time"
)

// Date is a civil date with no time of day and no zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses an ISO date such as "2025-02-17".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes the date as YYYY-MM-DD (for JSON and YAML).
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText decodes a YYYY-MM-DD date.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// utc is the date at midnight UTC; UTC has no DST, so day arithmetic on it is exact.
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n calendar days later (earlier if n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(d.utc().AddDate(0, 0, n))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.utc().Weekday()
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(int(d.Month) - int(o.Month))
	default:
		return sign(d.Day - o.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Equal reports whether d and o are the same date.
func (d Date) Equal(o Date) bool { return d == o }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns the instant at the given wall-clock time on d in loc. A wall
// time that does not exist because of a DST change is normalised by the
// time package (moved forward by the gap).
func (d Date) In(loc *time.Location, hour, min, sec int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, sec, 0, loc)
}

// EndOfDay returns 23:59:59 local time on d in loc.
func EndOfDay(d Date, loc *time.Location) time.Time {
	return d.In(loc, 23, 59, 59)
}

// AddMonths returns the same day of the month n months later (earlier if
// n < 0), clamped to the last day of the target month: Jan 31 + 1 month is
// Feb 28 (Feb 29 in a leap year).
func AddMonths(d Date, n int) Date {
	idx := d.Year*12 + int(d.Month) - 1 + n
	y, m := floorDiv(idx, 12), time.Month(floorMod(idx, 12)+1)
	day := min(d.Day, daysIn(y, m))
	return Date{Year: y, Month: m, Day: day}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
