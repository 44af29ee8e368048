package rosterfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// record is one non-blank row of the file.
type record struct {
	row      int
	cells    []string
	encoding bool // the row's bytes do not fit the file's encoding
}

// source yields records; io.EOF at the end.
type source interface {
	next() (record, error)
	close() error
	// shortRowsOK reports that rows may omit trailing empty cells (XLSX does).
	shortRowsOK() bool
}

// csvSource reads delimited text.
type csvSource struct {
	sc    *csvScanner
	dec   textDecoder
	cells []string
}

func newCSVSource(br *bufio.Reader, opts Options) (*csvSource, error) {
	text, enc, err := openText(br)
	if err != nil {
		return nil, &FatalError{Err: err}
	}
	s := &csvSource{sc: newCSVScanner(text, opts.Limits), dec: textDecoder{enc: enc}}
	sample := s.sc.prefill()
	if s.sc.err != nil {
		return nil, &FatalError{Err: fmt.Errorf("reading the file: %w", s.sc.err)}
	}
	s.dec.sniff(sample)
	switch {
	case opts.Delimiter > 0 && opts.Delimiter < 128 && opts.Delimiter != '"' && opts.Delimiter != '\n' && opts.Delimiter != '\r':
		s.sc.delim = byte(opts.Delimiter)
	case opts.Delimiter != 0:
		return nil, fatalf(0, "delimiter %q is not usable; use comma, semicolon or tab", opts.Delimiter)
	default:
		s.sc.delim = sniffDelimiter(sample)
	}
	return s, nil
}

func (s *csvSource) next() (record, error) {
	for {
		if err := s.sc.next(); err != nil {
			var fe *FatalError
			if errors.Is(err, io.EOF) || errors.As(err, &fe) {
				return record{}, err
			}
			return record{}, &FatalError{Row: s.sc.row, Err: fmt.Errorf("reading the file: %w", err)}
		}
		if s.sc.blank {
			continue
		}
		rec := record{row: s.sc.started}
		cells, ok := s.decodeCells()
		if !ok {
			rec.encoding = true
			return rec, nil
		}
		if allBlank(cells) {
			continue
		}
		rec.cells = cells
		return rec, nil
	}
}

// decodeCells converts the scanner's record into strings with a single allocation when the
// text is ASCII or UTF-8.
func (s *csvSource) decodeCells() ([]string, bool) {
	sc := s.sc
	s.cells = s.cells[:0]
	if s.dec.enc != EncodingCP1252 {
		str, ok := s.dec.decode(sc.buf)
		if !ok {
			return nil, false
		}
		if s.dec.enc != EncodingCP1252 {
			start := 0
			for _, end := range sc.ends {
				s.cells = append(s.cells, str[start:end])
				start = end
			}
			return s.cells, true
		}
	}
	start := 0
	if hasMultibyte(sc.buf) {
		return nil, false
	}
	for _, end := range sc.ends {
		cell, ok := decodeCP1252(sc.buf[start:end])
		if !ok {
			return nil, false
		}
		s.cells = append(s.cells, cell)
		start = end
	}
	return s.cells, true
}

func (s *csvSource) close() error      { return nil }
func (s *csvSource) shortRowsOK() bool { return false }

func allBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
