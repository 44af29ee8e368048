package rosterfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Reader streams people out of a CSV or XLSX file. Call Next until it returns io.EOF, then
// Close. Memory use does not grow with the number of rows of a CSV file.
type Reader struct {
	src      source
	opts     Options
	cols     []column
	lay      *layout
	encoding Encoding
	delim    byte
	format   Format
	headRow  int
	lastRow  int
	err      error
}

// NewReader opens a file and reads its header row. Problems that make the whole file
// unusable (unreadable, legacy .xls, a mapping naming a column that is not there, no name or
// id column) are returned as *FatalError.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, scanBufSize)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &FatalError{Err: fmt.Errorf("reading the file: %w", err)}
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, fatalf(0, "the file is empty")
	}
	format, err := sniffFormat(head)
	if err != nil {
		return nil, &FatalError{Err: err}
	}
	if opts.Format != FormatAuto && opts.Format != format {
		return nil, fatalf(0, "the file was declared %s but its content is %s", opts.Format, format)
	}
	rd := &Reader{opts: opts, format: format}
	if err := rd.open(br); err != nil {
		return nil, err
	}
	if err := rd.readHeader(); err != nil {
		_ = rd.src.close()
		return nil, err
	}
	return rd, nil
}

func checkOptions(opts *Options) error {
	opts.Limits = opts.Limits.withDefaults()
	switch opts.Format {
	case FormatAuto, FormatCSV, FormatXLSX:
	default:
		return fatalf(0, "unknown format %q (use csv or xlsx)", opts.Format)
	}
	switch opts.DateOrder {
	case DateOrderUnknown, DateOrderDMY, DateOrderMDY:
	default:
		return fatalf(0, "unknown date order %q (use DMY or MDY)", opts.DateOrder)
	}
	if opts.DefaultCountry != "" {
		c, err := NormaliseCountry(opts.DefaultCountry)
		if err != nil {
			return fatalf(0, "default country %q: %w", opts.DefaultCountry, err)
		}
		opts.DefaultCountry = c
	}
	return nil
}

func (rd *Reader) open(br *bufio.Reader) error {
	if rd.format == FormatXLSX {
		src, err := newXLSXSource(br, rd.opts.Sheet, rd.opts.Limits)
		if err != nil {
			return err
		}
		rd.src = src
		return nil
	}
	src, err := newCSVSource(br, rd.opts)
	if err != nil {
		return err
	}
	rd.src, rd.delim = src, src.sc.delim
	rd.encoding = src.dec.enc
	return nil
}

// readHeader takes the first non-blank row as the header and resolves its columns.
func (rd *Reader) readHeader() error {
	rec, err := rd.src.next()
	if errors.Is(err, io.EOF) {
		return fatalf(0, "the file has no header row")
	}
	if err != nil {
		return err
	}
	if rec.encoding {
		return fatalf(rec.row, "the header row is not valid text in the file's encoding")
	}
	cols, err := resolveColumns(rec.cells, rd.opts.Mapping)
	if err != nil {
		return &FatalError{Row: rec.row, Err: err}
	}
	rd.cols, rd.lay, rd.headRow, rd.lastRow = cols, newLayout(cols), rec.row, rec.row
	l := rd.lay
	if l.name < 0 && l.givenName < 0 && l.familyName < 0 && l.externalID < 0 {
		return fatalf(rec.row, "the header has no name or id column (headers: %s)", strings.Join(l.headers, ", "))
	}
	if l.dateOfBirth >= 0 && rd.opts.ReferenceDate.IsZero() {
		return fatalf(0, "the file has a date of birth column: a reference date is needed to tell minors")
	}
	return nil
}

// Next returns the next data row, io.EOF after the last one, or a *FatalError; after a
// fatal error every call returns it again.
func (rd *Reader) Next() (Row, error) {
	if rd.err != nil {
		return Row{}, rd.err
	}
	rec, err := rd.src.next()
	if err != nil {
		rd.err = rd.nameColumn(err)
		return Row{}, rd.err
	}
	if rec.row <= rd.lastRow {
		rd.err = fatalf(rec.row, "row numbers went backwards after row %d", rd.lastRow)
		return Row{}, rd.err
	}
	rd.lastRow = rec.row
	return rd.buildRow(rec), nil
}

// nameColumn names the column of a cell past a limit by its header, when
// the header has text for it.
func (rd *Reader) nameColumn(err error) error {
	var fe *FatalError
	var le *LimitError
	if errors.As(err, &fe) && errors.As(err, &le) && le.Column >= 0 && rd.lay != nil {
		if h := rd.lay.header(le.Column, FieldNone); h != "" {
			fe.Column = h
		}
	}
	return err
}

// Close releases the file.
func (rd *Reader) Close() error {
	if err := rd.src.close(); err != nil {
		return fmt.Errorf("closing the roster file: %w", err)
	}
	return nil
}

// Columns tells how each column of the file was understood.
func (rd *Reader) Columns() []Column {
	out := make([]Column, len(rd.cols))
	for i, c := range rd.cols {
		out[i] = Column{Index: c.index, Header: c.header, Field: c.field, Attribute: c.attr}
	}
	return out
}

// Format is the file's format (csv or xlsx).
func (rd *Reader) Format() Format { return rd.format }

// Encoding is the CSV file's character encoding so far: it may change from "" (ASCII) to
// utf-8 or windows-1252 at the first byte above 0x7F.
func (rd *Reader) Encoding() Encoding {
	if s, ok := rd.src.(*csvSource); ok {
		return s.dec.enc
	}
	return rd.encoding
}

// Delimiter is the CSV delimiter in use (0 for XLSX).
func (rd *Reader) Delimiter() rune { return rune(rd.delim) }

// HeaderRow is the row number of the header.
func (rd *Reader) HeaderRow() int { return rd.headRow }
