package rosterfile

import (
	"errors"
	"io"
)

const scanBufSize = 64 << 10

// csvScanner splits delimited text into records. It counts rows the way a spreadsheet shows
// them: every record is one row, blank lines included, however many line breaks its quoted
// cells contain. It accepts CRLF, LF and lone CR line ends, and is lenient about stray quotes
// inside unquoted cells ("5" screen") the way spreadsheet programs are.
type csvScanner struct {
	r     io.Reader
	data  []byte
	pos   int
	n     int
	eof   bool
	err   error
	delim byte
	lim   Limits
	row   int // number of the last record returned

	buf     []byte // cell contents of the current record, concatenated
	ends    []int  // end offset of each cell in buf
	blank   bool   // the record is an empty line
	started int    // row where the current record began
	cellAt  int    // offset in buf where the current cell began
	cells   int    // cells of the current record so far, dropped ones included
}

// errUnclosedQuote marks a quoted cell that runs to the end of the file.
var errUnclosedQuote = errors.New("a quoted cell is never closed: the rest of the file would be read as one cell")

func newCSVScanner(r io.Reader, lim Limits) *csvScanner {
	return &csvScanner{r: r, data: make([]byte, scanBufSize), lim: lim.withDefaults(), delim: ','}
}

// prefill fills the buffer (or reads the whole input if smaller) for sniffing.
func (s *csvScanner) prefill() []byte {
	for !s.eof && s.n < len(s.data) {
		s.read()
	}
	return s.data[:s.n]
}

// read appends more input to the buffer, compacting consumed bytes first.
func (s *csvScanner) read() {
	if s.pos > 0 {
		copy(s.data, s.data[s.pos:s.n])
		s.n -= s.pos
		s.pos = 0
	}
	if s.n == len(s.data) {
		return
	}
	m, err := s.r.Read(s.data[s.n:])
	s.n += m
	if err != nil {
		s.eof = true
		if !errors.Is(err, io.EOF) {
			s.err = err
		}
	}
}

// readByte returns the next input byte; ok is false at the end of input.
func (s *csvScanner) readByte() (byte, bool) {
	if s.pos < s.n {
		c := s.data[s.pos]
		s.pos++
		return c, true
	}
	return s.readSlow()
}

func (s *csvScanner) readSlow() (byte, bool) {
	for s.pos >= s.n {
		if s.eof {
			return 0, false
		}
		s.read()
	}
	c := s.data[s.pos]
	s.pos++
	return c, true
}

// peekByte reports the next byte without consuming it.
func (s *csvScanner) peekByte() (byte, bool) {
	c, ok := s.readByte()
	if ok {
		s.pos--
	}
	return c, ok
}

// next reads one record. It returns io.EOF at the end of input.
func (s *csvScanner) next() error {
	s.buf = s.buf[:0]
	s.ends = s.ends[:0]
	s.blank = false
	c, ok := s.readByte()
	if !ok {
		if s.err != nil {
			return s.err
		}
		return io.EOF
	}
	s.row++
	s.started = s.row
	s.cellAt, s.cells = 0, 0
	if c == '\n' || c == '\r' {
		s.endLine(c)
		s.blank = true
		s.ends = append(s.ends, 0)
		return nil
	}
	for {
		end, err := s.cell(c)
		if err != nil {
			return err
		}
		if err := s.endCell(); err != nil {
			return err
		}
		if end {
			return s.err
		}
		if c, ok = s.readByte(); !ok {
			return s.endRecord(s.err)
		}
		if c == '\n' || c == '\r' {
			s.endLine(c)
			return s.endRecord(nil)
		}
	}
}

// endRecord ends the record with an empty last cell (the line ended on a
// delimiter) and returns err.
func (s *csvScanner) endRecord(err error) error {
	if cerr := s.endCell(); cerr != nil {
		return cerr
	}
	return err
}

// endCell closes the cell being read. A row keeps at most MaxColumns cells:
// an empty cell beyond them is dropped, anything else passes the limit.
func (s *csvScanner) endCell() error {
	s.cells++
	if len(s.buf)+s.cells > s.lim.MaxRowBytes {
		return s.limit(LimitRowBytes, int64(s.lim.MaxRowBytes), -1)
	}
	if len(s.ends) < s.lim.MaxColumns {
		s.ends = append(s.ends, len(s.buf))
		s.cellAt = len(s.buf)
		return nil
	}
	if len(s.buf) > s.cellAt {
		return s.limit(LimitColumns, int64(s.lim.MaxColumns), -1)
	}
	return nil
}

// checkSize fails once the current cell or the row (its cells and their
// delimiters) has grown past its limit.
func (s *csvScanner) checkSize() *FatalError {
	if len(s.buf)-s.cellAt > s.lim.MaxCellBytes {
		return s.limit(LimitCellBytes, int64(s.lim.MaxCellBytes), len(s.ends))
	}
	if len(s.buf)+s.cells > s.lim.MaxRowBytes {
		return s.limit(LimitRowBytes, int64(s.lim.MaxRowBytes), -1)
	}
	return nil
}

// limit reports the current record past a limit, in column col (-1: none).
func (s *csvScanner) limit(l Limit, max int64, col int) *FatalError {
	return limitFatal(s.started, &LimitError{Limit: l, Max: max, Column: col}, columnNumber)
}

// endLine consumes the LF of a CRLF pair.
func (s *csvScanner) endLine(c byte) {
	if c == '\r' {
		if n, ok := s.peekByte(); ok && n == '\n' {
			s.pos++
		}
	}
}

// cell reads one cell whose first byte is c. end reports that the record ended after it.
func (s *csvScanner) cell(c byte) (end bool, err error) {
	if c == '"' {
		if err := s.quoted(); err != nil {
			return false, err
		}
		c2, ok := s.readByte()
		if !ok {
			return true, nil
		}
		c = c2
	}
	switch c {
	case s.delim:
		return false, nil
	case '\n', '\r':
		s.endLine(c)
		return true, nil
	}
	s.buf = append(s.buf, c)
	return s.unquotedRest()
}

// unquotedRest copies the rest of an unquoted cell in chunks of buffered input.
func (s *csvScanner) unquotedRest() (end bool, err error) {
	for {
		chunk := s.data[s.pos:s.n]
		for i, c := range chunk {
			if c == s.delim || c == '\n' || c == '\r' {
				s.buf = append(s.buf, chunk[:i]...)
				s.pos += i + 1
				if err := s.checkSize(); err != nil {
					return false, err
				}
				if c == s.delim {
					return false, nil
				}
				s.endLine(c)
				return true, nil
			}
		}
		s.buf = append(s.buf, chunk...)
		s.pos = s.n
		if err := s.checkSize(); err != nil {
			return false, err
		}
		if _, ok := s.peekByte(); !ok {
			return true, nil
		}
	}
}

// quoted reads a quoted cell's contents up to its closing quote; "" is a literal quote and
// line breaks inside are kept as \n.
func (s *csvScanner) quoted() error {
	for {
		c, ok := s.readByte()
		if !ok {
			if s.err != nil {
				return s.err
			}
			return &FatalError{Row: s.started, Err: errUnclosedQuote}
		}
		switch c {
		case '"':
			if n, ok := s.peekByte(); ok && n == '"' {
				s.pos++
				s.buf = append(s.buf, '"')
				continue
			}
			return nil
		case '\r':
			s.endLine(c)
			c = '\n'
		}
		s.buf = append(s.buf, c)
		if err := s.checkSize(); err != nil {
			return unclosedNote(err)
		}
	}
}

// unclosedNote says of a limit passed inside a quoted cell that its quote
// is probably not closed.
func unclosedNote(err *FatalError) error {
	if le, ok := err.Err.(*LimitError); ok {
		le.Note = "a quote is probably not closed"
	}
	return err
}
