package rosterfile

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Date problems.
var (
	errDate          = errors.New("not a date (use YYYY-MM-DD)")
	errDateAmbiguous = errors.New("ambiguous date: day and month could be swapped (use YYYY-MM-DD)")
	errDateFuture    = errors.New("date of birth is after the reference date")
)

// parseDate reads YYYY-MM-DD (also with / or . and YYYYMMDD), DD/MM/YYYY or MM/DD/YYYY
// (only when the day is over 12, or order says which), and, for XLSX cells, Excel serial
// day numbers.
func parseDate(value string, order DateOrder, serial bool) (time.Time, error) {
	v := strings.TrimSpace(value)
	if serial && isDigits(v) && len(v) <= 5 {
		n, _ := strconv.Atoi(v)
		if n > 60 {
			// Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
			return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), nil
		}
	}
	if len(v) == 8 && isDigits(v) {
		return ymd(v[:4], v[4:6], v[6:])
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, errDate
	}
	if len(parts[0]) == 4 {
		return ymd(parts[0], parts[1], parts[2])
	}
	if len(parts[2]) != 4 {
		return time.Time{}, errDate
	}
	a, errA := strconv.Atoi(parts[0])
	b, errB := strconv.Atoi(parts[1])
	if errA != nil || errB != nil {
		return time.Time{}, errDate
	}
	switch {
	case a > 12 || a != b && order == DateOrderDMY || a == b:
		return ymd(parts[2], parts[1], parts[0])
	case b > 12 || order == DateOrderMDY:
		return ymd(parts[2], parts[0], parts[1])
	}
	return time.Time{}, errDateAmbiguous
}

func ymd(y, m, d string) (time.Time, error) {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	di, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || yi < 1850 || mi < 1 || mi > 12 || di < 1 {
		return time.Time{}, errDate
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Day() != di {
		return time.Time{}, errDate
	}
	return t, nil
}

// isMinorAt reports whether someone born on dob is under 18 on the reference date.
func isMinorAt(dob, ref time.Time) bool {
	y, m, d := ref.Date()
	adultIfBornBy := time.Date(y-18, m, d, 0, 0, 0, 0, time.UTC)
	return dob.After(adultIfBornBy)
}

// parseFlag reads a yes/no cell in English or French.
func parseFlag(value string) (bool, error) {
	switch FoldKey(value) {
	case "yes", "y", "true", "t", "1", "x", "oui", "o", "vrai", "minor", "mineur":
		return true, nil
	case "no", "n", "false", "f", "0", "non", "faux", "adult", "adulte", "majeur":
		return false, nil
	}
	return false, errors.New("not yes or no")
}
