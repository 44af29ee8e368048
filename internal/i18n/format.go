package i18n

import (
	"strconv"
	"strings"
	"time"
)

// nbsp is the no-break space French puts between groups of digits and
// around the "h" of a time ("1 200", "16 h 15"), so neither is split
// across lines.
const nbsp = "\u00a0"

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// Int writes a whole number with the language's thousands separator:
// "1,234,567" in English, "1 234 567" (no-break spaces) in French.
func (l *Locale) Int(n int64) string {
	sep := ","
	if l.lang == "fr" {
		sep = nbsp
	}
	digits := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Date writes the day of t, in the zone t carries: "2026-12-06" in English,
// "6 décembre 2026" in French ("1er décembre" on the first).
func (l *Locale) Date(t time.Time) string {
	if l.lang != "fr" {
		return t.Format("2006-01-02")
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Clock writes the time of day of t: "16:15" in English, "16 h 15" in
// French ("9 h" on the hour).
func (l *Locale) Clock(t time.Time) string {
	if l.lang != "fr" {
		return t.Format("15:04")
	}
	s := strconv.Itoa(t.Hour()) + nbsp + "h"
	if t.Minute() != 0 {
		s += nbsp + t.Format("04")
	}
	return s
}

// DateTime writes t in the zone it carries, with the zone's abbreviation:
// "2026-12-06 16:15 EST" in English, "6 décembre 2026 à 16 h 15 HNE" in
// French. A zone without an abbreviation is written as its offset.
func (l *Locale) DateTime(t time.Time) string {
	zone := l.ZoneAbbrev(t)
	if l.lang != "fr" {
		return t.Format("2006-01-02 15:04") + " " + zone
	}
	return l.Date(t) + " à " + l.Clock(t) + " " + zone
}

// UTC writes t in UTC: "2026-12-06 21:15 UTC", "6 décembre 2026 à 21 h 15 UTC".
func (l *Locale) UTC(t time.Time) string { return l.DateTime(t.UTC()) }

// frenchZones are the French abbreviations of North American zones, as
// written in Canada (heure normale / heure avancée de l'Est, etc.).
var frenchZones = map[string]string{
	"NST": "HNT", "NDT": "HAT", "AST": "HNA", "ADT": "HAA", "EST": "HNE", "EDT": "HAE",
	"CST": "HNC", "CDT": "HAC", "MST": "HNR", "MDT": "HAR", "PST": "HNP", "PDT": "HAP",
	"AKST": "HNAK", "AKDT": "HAAK", "HST": "HNH",
}

// ZoneAbbrev is the abbreviation of the zone t carries at t ("EDT", "HAE"
// in French), or its offset from UTC ("UTC+05:30") when the zone has no
// abbreviation.
func (l *Locale) ZoneAbbrev(t time.Time) string {
	name, _ := t.Zone()
	if name == "UTC" {
		return name
	}
	if name == "" || name[0] == '+' || name[0] == '-' {
		return "UTC" + t.Format("-07:00")
	}
	if l.lang == "fr" {
		if fr, ok := frenchZones[name]; ok {
			return fr
		}
	}
	return name
}

var frenchDays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// FullDateTime writes t with its weekday, as e-mails do: "Sun 6 Dec 2026
// 16:15 EST", "dimanche 6 décembre 2026 à 16 h 15 HNE".
func (l *Locale) FullDateTime(t time.Time) string {
	if l.lang != "fr" {
		return t.Format("Mon 2 Jan 2006 15:04") + " " + l.ZoneAbbrev(t)
	}
	return frenchDays[t.Weekday()] + " " + l.DateTime(t)
}
