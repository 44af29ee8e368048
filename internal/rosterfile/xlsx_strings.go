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
	b := stringsBuilder{p: p, part: pr.name}
	for {
		tok, err := pr.token()
		if errors.Is(err, io.EOF) {
			return &sharedStrings{text: b.all.String(), ends: b.ends}, nil
		}
		if err != nil {
			return nil, p.stringError(pr.name, len(b.ends), err)
		}
		if err := b.add(tok); err != nil {
			return nil, err
		}
	}
}

// stringsBuilder collects the string items of a shared strings part.
type stringsBuilder struct {
	p      *xlsxPackage
	part   string
	all    strings.Builder
	ends   []uint32
	item   []byte   // raw text of the current item
	stack  []string // elements open inside the current item
	inItem bool
}

// add files one token of the part.
func (b *stringsBuilder) add(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		if b.inItem {
			b.stack = append(b.stack, t.Name.Local)
		} else if t.Name.Local == "si" {
			b.inItem, b.item, b.stack = true, b.item[:0], b.stack[:0]
		}
	case xml.EndElement:
		if b.inItem && len(b.stack) > 0 {
			b.stack = b.stack[:len(b.stack)-1]
		} else if b.inItem {
			return b.endItem()
		}
	case xml.CharData:
		// Escapes are at most seven bytes for one character: the exact
		// size is checked once they are decoded.
		if b.inItem && isRunText(b.stack) {
			if b.item = append(b.item, t...); len(b.item) > 7*b.p.lim.MaxCellBytes {
				return b.p.stringError(b.part, len(b.ends), errTokenTooLarge)
			}
		}
	}
	return nil
}

// endItem adds the item just closed to the table.
func (b *stringsBuilder) endItem() error {
	b.inItem = false
	text := unescapeOOXML(string(b.item))
	if len(text) > b.p.lim.MaxCellBytes {
		return b.p.stringError(b.part, len(b.ends), errTokenTooLarge)
	}
	b.all.WriteString(text)
	if b.all.Len() > 1<<32-1 {
		return limitFatal(0, &LimitError{Limit: LimitExpandedBytes, Max: b.p.lim.MaxExpandedBytes, Part: b.part, Column: -1}, nil)
	}
	b.ends = append(b.ends, uint32(b.all.Len())) // #nosec G115 -- the buffer is bounded by MaxExpandedBytes (at most 4 GiB), checked above
	return nil
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
	return rune(n), true // #nosec G115 -- four hex digits: at most 0xFFFF
}
