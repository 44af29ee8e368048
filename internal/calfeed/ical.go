// Package calfeed publishes each user's dated obligations as an iCalendar
// (RFC 5545) feed behind a secret URL: one event per obligation with a
// stable UID, so that a moved deadline updates the same event, and alarms at
// the configured lead times.
package calfeed

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/plaintext"
)

// Event is one VEVENT: a deadline at an instant.
type Event struct {
	// UID is stable for the life of the obligation.
	UID string
	// Sequence increases each time the event's terms change (0 at first).
	Sequence     int
	LastModified time.Time
	Start        time.Time
	Summary      string
	Description  string
	URL          string
	// Status is CONFIRMED, TENTATIVE or CANCELLED.
	Status string
	// Alarms are lead times before Start at which a client should alert.
	Alarms []time.Duration
}

// Calendar is a whole feed.
type Calendar struct {
	Name string
	// Description, when set, says what the feed holds (X-WR-CALDESC).
	Description string
	Events      []Event
}

// Write renders cal as an iCalendar stream; stamp is the DTSTAMP of every
// event (the moment the feed was produced).
func Write(w io.Writer, cal Calendar, stamp time.Time) error {
	lw := &lineWriter{w: bufio.NewWriter(w)}
	lw.line("BEGIN:VCALENDAR")
	lw.line("VERSION:2.0")
	lw.line("PRODID:-//Breachline//Obligations//EN")
	lw.line("CALSCALE:GREGORIAN")
	lw.line("METHOD:PUBLISH")
	lw.prop("X-WR-CALNAME", Text(cal.Name))
	if cal.Description != "" {
		lw.prop("X-WR-CALDESC", Text(cal.Description))
	}
	lw.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	lw.line("X-PUBLISHED-TTL:PT1H")
	for _, e := range cal.Events {
		writeEvent(lw, e, stamp)
	}
	lw.line("END:VCALENDAR")
	if lw.err != nil {
		return fmt.Errorf("write calendar: %w", lw.err)
	}
	if err := lw.w.Flush(); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

func writeEvent(lw *lineWriter, e Event, stamp time.Time) {
	lw.line("BEGIN:VEVENT")
	lw.prop("UID", Text(e.UID))
	lw.prop("DTSTAMP", UTC(stamp))
	lw.prop("DTSTART", UTC(e.Start))
	lw.prop("SEQUENCE", fmt.Sprint(e.Sequence))
	if !e.LastModified.IsZero() {
		lw.prop("LAST-MODIFIED", UTC(e.LastModified))
	}
	lw.prop("SUMMARY", Text(e.Summary))
	if e.Description != "" {
		lw.prop("DESCRIPTION", Text(e.Description))
	}
	if e.URL != "" {
		lw.prop("URL;VALUE=URI", e.URL)
	}
	if e.Status != "" {
		lw.prop("STATUS", e.Status)
	}
	lw.line("TRANSP:TRANSPARENT")
	if e.Status != "CANCELLED" {
		for _, lead := range e.Alarms {
			lw.line("BEGIN:VALARM")
			lw.line("ACTION:DISPLAY")
			lw.prop("DESCRIPTION", Text(e.Summary))
			lw.prop("TRIGGER;RELATED=START", "-"+Duration(lead))
			lw.line("END:VALARM")
		}
	}
	lw.line("END:VEVENT")
}

// UTC formats an instant as a UTC DATE-TIME (form #2, with Z).
func UTC(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Duration formats a non-negative duration as an RFC 5545 DURATION in whole
// weeks, days, hours, minutes and seconds (e.g. P3D, PT4H, P1DT2H30M).
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	secs := int64(d / time.Second)
	days, secs := secs/86400, secs%86400
	h, m, s := secs/3600, secs%3600/60, secs%60
	var b strings.Builder
	b.WriteString("P")
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if h > 0 || m > 0 || s > 0 || days == 0 {
		b.WriteString("T")
		if h > 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m > 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if s > 0 || (h == 0 && m == 0) {
			fmt.Fprintf(&b, "%dS", s)
		}
	}
	return b.String()
}

// Text escapes a TEXT value: backslash, semicolon, comma and line breaks.
// Characters that would change how a calendar shows the text around the
// value are left out (plaintext.Text): control characters, which RFC 5545
// forbids in TEXT, and bidirectional embeddings, overrides and isolates.
func Text(s string) string {
	var b strings.Builder
	for _, r := range plaintext.Text(s) {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineWriter writes content lines ending in CRLF, folded at 75 octets
// without splitting a UTF-8 sequence; it keeps the first error.
type lineWriter struct {
	w   *bufio.Writer
	err error
}

func (lw *lineWriter) prop(name, value string) { lw.line(name + ":" + value) }

func (lw *lineWriter) line(s string) {
	if lw.err != nil {
		return
	}
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		lw.write(s[:cut], "\r\n ")
		s = s[cut:]
		limit = 74 // continuation lines start with a space
	}
	lw.write(s, "\r\n")
}

func (lw *lineWriter) write(s, end string) {
	if lw.err != nil {
		return
	}
	if _, err := lw.w.WriteString(s); err != nil {
		lw.err = err
		return
	}
	_, lw.err = lw.w.WriteString(end)
}
