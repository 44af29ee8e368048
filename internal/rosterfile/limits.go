package rosterfile

import (
	"errors"
	"fmt"
	"strconv"
)

// Limits bound what reading one file may cost. A file that goes past one is
// refused as a whole: NewReader or Next returns a *FatalError, naming the
// row and column when there is one, that wraps a *LimitError naming the
// limit (errors.Is(err, ErrLimit) holds). A field left at zero takes its
// default (see DefaultLimits).
type Limits struct {
	// MaxCellBytes caps one cell's text, in bytes of UTF-8 (of the file's
	// text as read for a CSV file in Windows-1252).
	MaxCellBytes int
	// MaxColumns caps the columns of a row that hold anything; empty cells
	// beyond it are ignored.
	MaxColumns int
	// MaxRowBytes caps one row: in a CSV file its line, cells and
	// delimiters (line breaks inside quotes included); in a workbook the
	// text of its cells.
	MaxRowBytes int
	// MaxExpandedBytes caps the size of an XLSX workbook uncompressed, all
	// of its parts together (and the size of the file itself).
	MaxExpandedBytes int64
	// MaxCompressionRatio caps how many times its compressed size a part of
	// an XLSX workbook may expand to. Parts under a mebibyte are exempt:
	// small parts may compress well without harm.
	MaxCompressionRatio int
}

// Default limits. A cell holds up to 32,767 characters in Excel, which is
// at most 128 KiB of UTF-8; a roster has tens of columns, Excel allows
// 16,384; a 200,000-row roster workbook expands to about 150 MB and its
// parts compress 5 to 30 times.
const (
	DefaultMaxCellBytes        = 128 << 10
	DefaultMaxColumns          = 1000
	DefaultMaxRowBytes         = 1 << 20
	DefaultMaxExpandedBytes    = 512 << 20
	DefaultMaxCompressionRatio = 100
)

// ratioExemptBytes is the uncompressed size under which a workbook part's
// compression ratio is not checked.
const ratioExemptBytes = 1 << 20

// DefaultLimits returns the limits used for the fields left at zero.
func DefaultLimits() Limits {
	return Limits{
		MaxCellBytes:        DefaultMaxCellBytes,
		MaxColumns:          DefaultMaxColumns,
		MaxRowBytes:         DefaultMaxRowBytes,
		MaxExpandedBytes:    DefaultMaxExpandedBytes,
		MaxCompressionRatio: DefaultMaxCompressionRatio,
	}
}

// withDefaults fills the fields left at zero (or below) with the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = d.MaxCellBytes
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = d.MaxRowBytes
	}
	if l.MaxExpandedBytes <= 0 {
		l.MaxExpandedBytes = d.MaxExpandedBytes
	}
	if l.MaxCompressionRatio <= 0 {
		l.MaxCompressionRatio = d.MaxCompressionRatio
	}
	return l
}

// Limit names one of the Limits in messages.
type Limit string

// The limits, as LimitError names them.
const (
	LimitCellBytes        Limit = "cell size"
	LimitColumns          Limit = "columns per row"
	LimitRowBytes         Limit = "row size"
	LimitExpandedBytes    Limit = "workbook expanded size"
	LimitCompressionRatio Limit = "workbook compression ratio"
)

// ErrLimit is matched (errors.Is) by every LimitError.
var ErrLimit = errors.New("over a limit on reading roster files")

// LimitError is a file going past one of the Limits. The row and column, if
// any, are on the FatalError that wraps it.
type LimitError struct {
	Limit Limit
	// Max is the limit's value: bytes, columns, or times for the ratio.
	Max int64
	// Found is the size found, when it is known; 0 means "more than Max".
	// For the ratio it is the part's uncompressed size.
	Found int64
	// Part names the workbook part (and, in the shared strings, the
	// string) when the limit is not passed in a cell of the sheet.
	Part string
	// Column is the 0-based column of the cell, or -1.
	Column int
	// Compressed is the part's compressed size, for the ratio.
	Compressed int64
	// Note is a likely cause, said after the limit.
	Note string
}

// Error says which limit was passed, by how much when known, and where in a
// workbook when not in a cell.
func (e *LimitError) Error() string {
	s := e.describe()
	if e.Note != "" {
		s += "; " + e.Note
	}
	if e.Part != "" {
		s = e.Part + ": " + s
	}
	return s
}

func (e *LimitError) describe() string {
	max := groupThousands64(e.Max)
	switch e.Limit {
	case LimitCellBytes:
		return "a cell's text is larger than the limit of " + max + " bytes (" + string(e.Limit) + ")"
	case LimitColumns:
		return "the row has more than the limit of " + max + " columns (" + string(e.Limit) + ")"
	case LimitRowBytes:
		return "the row is larger than the limit of " + max + " bytes (" + string(e.Limit) + ")"
	case LimitExpandedBytes:
		if e.Found > 0 {
			return "the workbook expands to " + groupThousands64(e.Found) + " bytes, more than the limit of " + max + " (" + string(e.Limit) + ")"
		}
		return "the workbook is larger than the limit of " + max + " bytes (" + string(e.Limit) + ")"
	case LimitCompressionRatio:
		return fmt.Sprintf("expands %s times, from %s to %s bytes, more than the limit of %s times (%s)",
			groupThousands64(e.Found/max64(e.Compressed, 1)), groupThousands64(e.Compressed), groupThousands64(e.Found), max, e.Limit)
	}
	return "over the limit of " + max + " (" + string(e.Limit) + ")"
}

// Is makes every LimitError match ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// limitFatal wraps a passed limit as the fatal error of row (0: none), with
// the column labelled by label when the limit is in a cell.
func limitFatal(row int, e *LimitError, label func(int) string) *FatalError {
	fe := &FatalError{Row: row, Err: e}
	if e.Column >= 0 && label != nil {
		fe.Column = label(e.Column)
	}
	return fe
}

// columnNumber labels a CSV column by its 1-based position.
func columnNumber(i int) string { return strconv.Itoa(i + 1) }

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
