package roster

import (
	"io"

	"github.com/breachline/breachline/internal/rosterfile"
)

// The types an import's options and results share with the file reader.
type (
	// Format is the kind of roster file: csv, xlsx or empty to detect it.
	Format = rosterfile.Format
	// DateOrder says how to read dates whose day and month could swap.
	DateOrder = rosterfile.DateOrder
	// Mapping maps a file's column headers to fields.
	Mapping = rosterfile.Mapping
	// FatalError is a problem that stops the import of a whole file.
	FatalError = rosterfile.FatalError
	// Reject is one problem in one row, its value masked.
	Reject = rosterfile.Reject
)

// ParseMapping reads a YAML mapping file; see rosterfile.ParseMapping.
func ParseMapping(r io.Reader) (Mapping, error) {
	return rosterfile.ParseMapping(r)
}
