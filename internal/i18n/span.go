package i18n

import "time"

// Span writes a duration as people read a time left or past: minutes under
// an hour, hours under two days, then days and hours ("3 days 4 hours").
// The deadlines page's script splits a duration the same way.
func (l *Locale) Span(d time.Duration) string {
	if d < time.Hour {
		return l.N("span.minutes", int64(d.Round(time.Minute)/time.Minute))
	}
	h := int64(d.Round(time.Hour) / time.Hour)
	if h < 48 {
		return l.N("span.hours", h)
	}
	days, rest := h/24, h%24
	if rest == 0 {
		return l.N("span.days", days)
	}
	return l.N("span.days", days) + " " + l.N("span.hours", rest)
}
