package rosterfile

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sharedStrings is a workbook's table of strings, which cells refer to by
// index: one string holding them all and where each ends, so that a
// million strings cost one allocation and four bytes each.
type sharedStrings struct {
	text string
	ends []uint32
}

// get returns string i, or ok false when there is no such string.
func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.text[start:s.ends[i]], true
}

// readSharedStrings loads the shared strings part. Each item's text is the
// text of its runs, without phonetic guides, and may not exceed the cell
// size limit.
func (p *xlsxPackage) readSharedStrings(name string) (*sharedStrings, error) {
	pr, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer pr.close()
	var all strings.Builder
	var ends []uint32
	var item []byte
	var stack []string // elements open inside the current item
	inItem := false
	for {
		tok, err := pr.token()
		if errors.Is(err, io.EOF) {
			return &sharedStrings{text: all.String(), ends: ends}, nil
		}
		if err != nil {
			return nil, p.stringError(pr.name, len(ends), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if inItem {
				stack = append(stack, t.Name.Local)
			} else if t.Name.Local == "si" {
				inItem, item, stack = true, item[:0], stack[:0]
			}
		case xml.EndElement:
			if !inItem {
				continue
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
				continue
			}
			inItem = false
			text := unescapeOOXML(string(item))
			if len(text) > p.lim.MaxCellBytes {
				return nil, p.stringError(pr.name, len(ends), errTokenTooLarge)
			}
			all.WriteString(text)
			if all.Len() > 1<<32-1 {
				return nil, limitFatal(0, &LimitError{Limit: LimitExpandedBytes, Max: p.lim.MaxExpandedBytes, Part: pr.name, Column: -1}, nil)
			}
			ends = append(ends, uint32(all.Len()))
		case xml.CharData:
			if inItem && isRunText(stack) {
				// Escapes are at most seven bytes for one character: the
				// exact size is checked once they are decoded.
				if item = append(item, t...); len(item) > 7*p.lim.MaxCellBytes {
					return nil, p.stringError(pr.name, len(ends), errTokenTooLarge)
				}
			}
		}
	}
}

// stringError reports an error reading shared string i; one past the
// token bound is that string past the cell size limit.
func (p *xlsxPackage) stringError(part string, i int, err error) error {
	if errors.Is(err, errTokenTooLarge) {
		return limitFatal(0, &LimitError{Limit: LimitCellBytes, Max: int64(p.lim.MaxCellBytes),
			Part: part + ", shared string " + groupThousands(i+1), Column: -1}, nil)
	}
	return partError(part, err, p.lim)
}

// isRunText reports whether the elements open inside a string item (or an
// inline string) lead to its text: <t> directly, or <t> in a run <r>. The
// text of phonetic guides (<rPh><t>) is not part of the value.
func isRunText(stack []string) bool {
	switch len(stack) {
	case 1:
		return stack[0] == "t"
	case 2:
		return stack[0] == "r" && stack[1] == "t"
	}
	return false
}

// unescapeOOXML decodes the _xHHHH_ escapes by which a workbook writes
// characters XML cannot hold (_x000D_ for a carriage return); _x005F_ is an
// escaped underscore. An escape of no valid character is dropped.
func unescapeOOXML(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		if r, ok := ooxmlEscape(s[i:]); ok {
			if utf8.ValidRune(r) {
				b.WriteRune(r)
			}
			s = s[i+7:]
		} else {
			b.WriteString("_x")
			s = s[i+2:]
		}
		i = strings.Index(s, "_x")
	}
	b.WriteString(s)
	return b.String()
}

// ooxmlEscape reads an escape _xHHHH_ at the start of s.
func ooxmlEscape(s string) (rune, bool) {
	if len(s) < 7 || s[6] != '_' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
