package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// SafeCell neutralises a value for a CSV or spreadsheet export: a value starting with = + - @,
// a tab or a carriage return would be run as a formula by a spreadsheet, so it is prefixed
// with a single quote and shown as text.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// RejectsWriter writes rejects as CSV with the columns row, column, reason, value (masked).
type RejectsWriter struct {
	w      *csv.Writer
	header bool
}

// NewRejectsWriter returns a writer that emits the header before the first reject.
func NewRejectsWriter(w io.Writer) *RejectsWriter {
	return &RejectsWriter{w: csv.NewWriter(w)}
}

// Write appends one reject.
func (rw *RejectsWriter) Write(r Reject) error {
	if !rw.header {
		if err := rw.w.Write([]string{"row", "column", "reason", "value"}); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		rw.header = true
	}
	rec := []string{strconv.Itoa(r.Row), SafeCell(r.Column), SafeCell(r.Reason), SafeCell(r.Value)}
	if err := rw.w.Write(rec); err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	return nil
}

// Flush writes buffered rejects (and the header when there were none) to the underlying writer.
func (rw *RejectsWriter) Flush() error {
	if !rw.header {
		if err := rw.w.Write([]string{"row", "column", "reason", "value"}); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		rw.header = true
	}
	rw.w.Flush()
	if err := rw.w.Error(); err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	return nil
}
