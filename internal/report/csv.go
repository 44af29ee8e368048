package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvWriter writes rows and keeps the first error.
type csvWriter struct {
	w   *csv.Writer
	err error
}

func newCSV(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// row writes one record. Cells that a spreadsheet would run as a formula
// (starting with =, +, -, @, tab or carriage return) get a leading apostrophe.
func (c *csvWriter) row(cells ...string) {
	if c.err != nil {
		return
	}
	safe := make([]string, len(cells))
	for i, s := range cells {
		safe[i] = spreadsheetSafe(s)
	}
	c.err = c.w.Write(safe)
}

func (c *csvWriter) flush() error {
	if c.err != nil {
		return fmt.Errorf("write csv: %w", c.err)
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvTime prints an instant as RFC 3339 in the zone, or "".
func csvTime(t *time.Time, z *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(z).Format(time.RFC3339)
}

// eventCSV is the earliest instant of an event kind in RFC 3339, or "".
func eventCSV(v *view, kind string) string {
	ts := v.events(kind)
	if len(ts) == 0 {
		return ""
	}
	return csvTime(&ts[0], v.zone)
}

func registerCSVHeader() []string {
	return []string{"reference", "title", "occurred_start", "occurred_end", "aware", "discovered",
		"description", "cause", "kinds", "data_categories", "affected", "notifiable",
		"risk_assessment", "reported_at", "notified_at", "public_notice", "containment", "mitigation"}
}

// registerCSV writes the register as CSV, one row per breach, the same rows as the PDF.
func registerCSV(in Input, w io.Writer) error {
	entries, err := registerEntries(in)
	if err != nil {
		return err
	}
	c := newCSV(w)
	c.row(registerCSVHeader()...)
	for _, e := range entries {
		v := entryView(in, e)
		b := e.Breach
		ends := v.events(EventEnded)
		end := ""
		if len(ends) > 0 {
			end = csvTime(&ends[len(ends)-1], v.zone)
		}
		c.row(b.Reference, b.Title, eventCSV(v, EventOccurred), end, eventCSV(v, EventAware),
			eventCSV(v, EventDiscovered), b.Description, b.Cause, strings.Join(b.Kinds, ";"),
			strings.Join(b.DataCategories, ";"), strconv.Itoa(e.Affected), notifiableCSV(e.Notifiable),
			e.RiskAssessment, csvTime(e.ReportedAt, v.zone), csvTime(e.NotifiedAt, v.zone),
			e.PublicNotice, b.Containment, b.Mitigation)
	}
	return c.flush()
}

func notifiableCSV(n *bool) string {
	switch {
	case n == nil:
		return "undetermined"
	case *n:
		return "yes"
	}
	return "no"
}
