package i18n

import "time"

// InForce says when a rule's version is in force, in the locale's words:
// its civil dates (YYYY-MM-DD, either may be empty), then what is known
// when they are not recorded (note).
func (l *Locale) InForce(from, to, note string) string {
	from, to = l.CivilDate(from), l.CivilDate(to)
	var span string
	switch {
	case from != "" && to != "":
		span = l.T("legal.in_force_between", "From", from, "To", to)
	case from != "":
		span = l.T("legal.in_force_from", "From", from)
	case to != "":
		span = l.T("legal.in_force_until", "To", to)
	}
	switch {
	case span == "":
		return note
	case note != "":
		return span + "; " + note
	}
	return span
}

// CivilDate writes a civil date (YYYY-MM-DD) the language's way; anything
// else is returned as it is.
func (l *Locale) CivilDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.Date(t)
}
