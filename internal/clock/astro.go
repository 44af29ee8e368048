package clock

import (
	"math"
	"time"
)

// easter returns Western (Gregorian) Easter Sunday of year y using the
// anonymous Gregorian computus (Meeus/Jones/Butcher).
func easter(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{Year: y, Month: time.Month(month), Day: day}
}

// equinoxYears is the range for which the equinox approximation below is
// the one published for Japanese holiday planning.
const equinoxFirst, equinoxLast = 1980, 2099

// equinox returns the Japanese vernal (March) or autumnal (September)
// equinox day for y, using the standard approximation valid for 1980–2099:
// day = floor(base + 0.242194*(y-1980) - floor((y-1980)/4)).
// ok is false outside that range.
func equinox(y int, month time.Month) (Date, bool) {
	if y < equinoxFirst || y > equinoxLast {
		return Date{}, false
	}
	base := 20.8431
	if month == time.September {
		base = 23.2488
	}
	n := float64(y - 1980)
	day := int(math.Floor(base + 0.242194*n - math.Floor(n/4)))
	return Date{Year: y, Month: month, Day: day}, true
}
