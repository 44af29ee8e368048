package clock

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday,
	"saturday": time.Saturday,
}

var observances = map[string]observance{
	"sat-fri":  {on: time.Saturday, shift: -1},
	"sun-mon":  {on: time.Sunday, shift: 1},
	"sat-mon":  {on: time.Saturday, shift: 2},
	"sun-tue":  {on: time.Sunday, shift: 2},
	"sat-next": {on: time.Saturday, next: true},
	"sun-next": {on: time.Sunday, next: true},
}

// fieldError names the field of a calendar file that is wrong.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func fieldErr(field, format string, args ...any) error {
	return &fieldError{field: field, err: fmt.Errorf(format, args...)}
}

func parseWeekday(field, s string) (time.Weekday, error) {
	wd, ok := weekdays[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, fieldErr(field, "unknown weekday %q", s)
	}
	return wd, nil
}

func parseWeekdaySet(field string, list []string) ([7]bool, error) {
	var set [7]bool
	for i, s := range list {
		wd, err := parseWeekday(fmt.Sprintf("%s[%d]", field, i), s)
		if err != nil {
			return set, err
		}
		set[wd] = true
	}
	return set, nil
}

// parseMonthDay parses "MM-DD".
func parseMonthDay(field, s string) (time.Month, int, error) {
	mm, dd, ok := strings.Cut(s, "-")
	m, err1 := strconv.Atoi(mm)
	d, err2 := strconv.Atoi(dd)
	if !ok || err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > daysIn(2000, time.Month(m)) {
		return 0, 0, fieldErr(field, "want a month-day like \"12-25\", got %q", s)
	}
	return time.Month(m), d, nil
}

// parseRule validates one holiday rule; field is its path, e.g. "holidays[3]".
func parseRule(field string, f fileRule) (rule, error) {
	r := rule{name: f.Name, kind: KindHoliday, from: f.From, to: f.To, span: 1}
	if strings.TrimSpace(f.Name) == "" {
		return r, fieldErr(field+".name", "is required")
	}
	switch f.Kind {
	case "", KindHoliday:
	case KindClosure:
		r.kind = KindClosure
	default:
		return r, fieldErr(field+".kind", "want holiday or closure, got %q", f.Kind)
	}
	if f.Days < 0 || f.Days > 31 {
		return r, fieldErr(field+".days", "want 1..31, got %d", f.Days)
	}
	if f.Days > 0 {
		r.span = f.Days
	}
	if f.To != 0 && f.From > f.To {
		return r, fieldErr(field+".to", "year %d is before from %d", f.To, f.From)
	}
	for i, s := range f.Observe {
		o, ok := observances[s]
		if !ok {
			return r, fieldErr(fmt.Sprintf("%s.observe[%d]", field, i), "unknown observance %q", s)
		}
		r.observe = append(r.observe, o)
	}
	dates, err := parseWhen(field, f)
	r.dates = dates
	return r, err
}

// parseWhen turns the date-selecting fields of a rule into a date function.
func parseWhen(field string, f fileRule) (func(int) []Date, error) {
	set := 0
	for _, on := range []bool{f.Fixed != "", f.Date != "", f.Weekday != "", f.Easter != nil, f.Equinox != ""} {
		if on {
			set++
		}
	}
	if set != 1 {
		return nil, fieldErr(field, "needs exactly one of fixed, date, weekday, easter, equinox (has %d)", set)
	}
	switch {
	case f.Fixed != "":
		m, d, err := parseMonthDay(field+".fixed", f.Fixed)
		return fixedDate(m, d), err
	case f.Date != "":
		d, err := ParseDate(f.Date)
		if err != nil {
			return nil, &fieldError{field: field + ".date", err: err}
		}
		return oneOff(d), nil
	case f.Easter != nil:
		if *f.Easter < -100 || *f.Easter > 100 {
			return nil, fieldErr(field+".easter", "offset %d is out of range -100..100", *f.Easter)
		}
		return easterOffset(*f.Easter), nil
	case f.Equinox != "":
		return parseEquinox(field, f.Equinox)
	}
	return parseWeekdayRule(field, f)
}

func parseEquinox(field, s string) (func(int) []Date, error) {
	switch strings.ToLower(s) {
	case "march":
		return equinoxDay(time.March), nil
	case "september":
		return equinoxDay(time.September), nil
	}
	return nil, fieldErr(field+".equinox", "want march or september, got %q", s)
}

func parseWeekdayRule(field string, f fileRule) (func(int) []Date, error) {
	wd, err := parseWeekday(field+".weekday", f.Weekday)
	if err != nil {
		return nil, err
	}
	var fn func(int) []Date
	switch {
	case f.Before != "" && f.After != "":
		return nil, fieldErr(field+".after", "cannot be combined with before")
	case f.Before != "":
		m, d, err := parseMonthDay(field+".before", f.Before)
		if err != nil {
			return nil, err
		}
		fn = weekdayBefore(m, d, wd)
	case f.After != "":
		m, d, err := parseMonthDay(field+".after", f.After)
		if err != nil {
			return nil, err
		}
		fn = weekdayAfter(m, d, wd)
	default:
		if f.Month < 1 || f.Month > 12 {
			return nil, fieldErr(field+".month", "want 1..12, got %d", f.Month)
		}
		if f.Nth == 0 || f.Nth < -5 || f.Nth > 5 {
			return nil, fieldErr(field+".nth", "want 1..5 or -1..-5, got %d", f.Nth)
		}
		fn = nthWeekday(time.Month(f.Month), wd, f.Nth)
	}
	if f.FridayDate != "" {
		m, d, err := parseMonthDay(field+".friday_date", f.FridayDate)
		if err != nil {
			return nil, err
		}
		fn = fridayException(fn, m, d)
	}
	return fn, nil
}

// parseClosure validates one closure entry.
func parseClosure(field string, f fileClosure) (Holiday, error) {
	d, err := ParseDate(f.Date)
	if err != nil {
		return Holiday{}, &fieldError{field: field + ".date", err: err}
	}
	if strings.TrimSpace(f.Name) == "" {
		return Holiday{}, fieldErr(field+".name", "is required")
	}
	return Holiday{Date: d, Name: f.Name, Kind: KindClosure, Unconfirmed: f.Confirmed != nil && !*f.Confirmed}, nil
}

// errRequired marks a missing required value.
var errRequired = errors.New("is required")
