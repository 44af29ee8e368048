package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/breachline/breachline/internal/rosterfile"
)

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
	rec := []string{strconv.Itoa(r.Row), rosterfile.SafeCell(r.Column), rosterfile.SafeCell(r.Reason), rosterfile.SafeCell(r.Value)}
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
