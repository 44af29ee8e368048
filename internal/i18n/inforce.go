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

// Reading says what another reading of the law changes, in the locale's
// words: its date (written by the caller, "" when it has none), else the
// duty that satisfies this one, else that it is not required, else that it
// has no date.
func (l *Locale) Reading(date, satisfiedBy string, notRequired bool) string {
	switch {
	case date != "":
		return date
	case satisfiedBy != "":
		return l.T("legal.satisfied_by", "Key", satisfiedBy)
	case notRequired:
		return l.T("legal.reading_not_required")
	}
	return l.T("legal.reading_no_date")
}
