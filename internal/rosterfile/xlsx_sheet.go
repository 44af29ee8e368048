package rosterfile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// xlsxSource streams the rows of one worksheet. Values are read raw, as
// stored: dates as serial day numbers and long numbers in full, not as
// displayed with a two-digit year or in scientific notation.
type xlsxSource struct {
	part *partReader
	sst  *sharedStrings
	lim  Limits
	row  int  // number of the last row read
	data bool // inside <sheetData>
	done bool
	// width is the previous row's number of cells, to size the next; ct
	// is reused from cell to cell.
	width int
	ct    cellText
}

func (s *xlsxSource) next() (record, error) {
	for {
		row, cells, err := s.nextRow()
		if err != nil {
			return record{}, err
		}
		if allBlank(cells) {
			continue
		}
		return record{row: row, cells: cells}, nil
	}
}

func (s *xlsxSource) close() error      { return s.part.close() }
func (s *xlsxSource) shortRowsOK() bool { return true }

// nextRow reads the next <row> of the sheet data; io.EOF after the last.
func (s *xlsxSource) nextRow() (int, []string, error) {
	for !s.done {
		tok, err := s.token(0, -1)
		if err != nil {
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "sheetData" {
				s.data = true
			} else if t.Name.Local == "row" && s.data {
				return s.readRow(t)
			}
		case xml.EndElement:
			s.done = t.Name.Local == "sheetData"
		}
	}
	return 0, nil, io.EOF
}

// token returns the sheet's next token; an error is reported at row and
// column col (0 and -1 outside the cells).
func (s *xlsxSource) token(row, col int) (xml.Token, error) {
	tok, err := s.part.token()
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, io.EOF):
		s.done = true
		return nil, io.EOF
	case errors.Is(err, errTokenTooLarge) && col >= 0:
		return nil, s.cellTooLarge(row, col)
	}
	fe := partError(s.part.name, err, s.lim)
	fe.Row = row
	return nil, fe
}

func (s *xlsxSource) cellTooLarge(row, col int) error {
	return limitFatal(row, &LimitError{Limit: LimitCellBytes, Max: int64(s.lim.MaxCellBytes), Column: col}, columnLetters)
}

// readRow reads the cells of the row that start opens. A cell's position
// comes from its reference (C5), else it follows the previous cell; cells
// with no value are skipped, so a row ends at its last value.
func (s *xlsxSource) readRow(start xml.StartElement) (int, []string, error) {
	num := s.row + 1
	if r := attr(start, "r"); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 {
			return 0, nil, partError(s.part.name, fmt.Errorf("row reference %q is not a row number", clip(r)), s.lim)
		}
		num = n
	}
	s.row = num
	cells := make([]string, 0, s.width)
	col, size := -1, 0
	for {
		tok, err := s.token(num, -1)
		if err != nil {
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := s.skip(num); err != nil {
					return 0, nil, err
				}
				continue
			}
			var v string
			if col, v, err = s.readCell(t, num, col+1); err != nil {
				return 0, nil, err
			}
			if size += len(v); size > s.lim.MaxRowBytes {
				return 0, nil, limitFatal(num, &LimitError{Limit: LimitRowBytes, Max: int64(s.lim.MaxRowBytes), Column: -1}, nil)
			}
			if cells, err = s.place(cells, num, col, v); err != nil {
				return 0, nil, err
			}
		case xml.EndElement:
			s.width = len(cells)
			return num, cells, nil
		}
	}
}

// place puts value v of column col in the row's cells.
func (s *xlsxSource) place(cells []string, row, col int, v string) ([]string, error) {
	if v == "" {
		return cells, nil
	}
	if col >= s.lim.MaxColumns {
		return nil, limitFatal(row, &LimitError{Limit: LimitColumns, Max: int64(s.lim.MaxColumns), Column: -1}, nil)
	}
	if col < len(cells) {
		cells[col] = v
		return cells, nil
	}
	for len(cells) < col {
		cells = append(cells, "")
	}
	return append(cells, v), nil
}

// skip reads past the element just opened.
func (s *xlsxSource) skip(row int) error {
	for depth := 1; depth > 0; {
		tok, err := s.token(row, -1)
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// cellText collects the text of a cell's value (<v>) and inline string
// (<is>), each within the cell size limit.
type cellText struct {
	value, inline []byte
	hasInline     bool
	stack         []string
}

// readCell reads the cell that start opens, by default in column col
// (0-based), and returns its column and value.
func (s *xlsxSource) readCell(start xml.StartElement, row, col int) (int, string, error) {
	typ := ""
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			c, err := parseColumn(a.Value)
			if err != nil {
				return 0, "", partError(s.part.name, err, s.lim)
			}
			col = c
		case "t":
			typ = a.Value
		}
	}
	ct := &s.ct
	ct.value, ct.inline, ct.hasInline, ct.stack = ct.value[:0], ct.inline[:0], false, ct.stack[:0]
	for {
		tok, err := s.token(row, col)
		if err != nil {
			return 0, "", err
		}
		if s.collect(ct, tok) {
			break
		}
		if len(ct.value) > s.lim.MaxCellBytes || len(ct.inline) > 7*s.lim.MaxCellBytes {
			return 0, "", s.cellTooLarge(row, col)
		}
	}
	v, err := s.value(typ, ct)
	if err != nil {
		return 0, "", err
	}
	if len(v) > s.lim.MaxCellBytes {
		return 0, "", s.cellTooLarge(row, col)
	}
	return col, v, nil
}

// collect files one token of a cell's content; it reports the cell's end.
func (s *xlsxSource) collect(ct *cellText, tok xml.Token) (end bool) {
	switch t := tok.(type) {
	case xml.StartElement:
		ct.stack = append(ct.stack, t.Name.Local)
		if len(ct.stack) == 1 && t.Name.Local == "is" {
			ct.hasInline = true
		}
	case xml.EndElement:
		if len(ct.stack) == 0 {
			return true
		}
		ct.stack = ct.stack[:len(ct.stack)-1]
	case xml.CharData:
		switch {
		case len(ct.stack) == 1 && ct.stack[0] == "v":
			ct.value = append(ct.value, t...)
		case len(ct.stack) > 1 && ct.stack[0] == "is" && isRunText(ct.stack[1:]):
			ct.inline = append(ct.inline, t...)
		}
	}
	return false
}

// value is a cell's value by its type: the shared string it refers to, its
// inline string, or else its stored value as written.
func (s *xlsxSource) value(typ string, ct *cellText) (string, error) {
	switch {
	case typ == "s" && len(ct.value) > 0:
		i, ok := parseIndex(ct.value)
		str, found := s.sst.get(i)
		if !ok || !found {
			ref := string(bytes.TrimSpace(ct.value))
			return "", partError(s.part.name, fmt.Errorf("a cell refers to shared string %q, which the workbook does not have", clip(ref)), s.lim)
		}
		return str, nil
	case typ == "inlineStr" && ct.hasInline:
		return unescapeOOXML(string(ct.inline)), nil
	}
	return string(ct.value), nil
}

// parseIndex reads a shared string's index, spaces around it allowed,
// without allocating.
func parseIndex(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseColumn reads the column of a cell reference such as C5 (0-based).
func parseColumn(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a') + 1; col > 1<<20 {
			break
		}
	}
	if i == 0 || i == len(ref) || col > 1<<20 {
		return 0, fmt.Errorf("cell reference %q is not a column and row", clip(ref))
	}
	return col - 1, nil
}

// columnLetters labels column i (0-based) as a spreadsheet does: A, Z, AA.
func columnLetters(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append(b, byte('A'+(n-1)%26))
	}
	for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
		b[l], b[r] = b[r], b[l]
	}
	return string(b)
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
