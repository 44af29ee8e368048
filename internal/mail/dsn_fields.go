package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Header fields, read leniently: a report is evidence, so a malformed line
// is skipped rather than failing the whole message.

// fieldGroups splits a body into blocks separated by empty lines.
func fieldGroups(data []byte) [][]byte {
	var groups [][]byte
	var cur []byte
	eachLine(data, func(line []byte) bool {
		if len(bytes.TrimSpace(line)) > 0 {
			cur = append(append(cur, line...), '\n')
			return true
		}
		if len(cur) > 0 {
			groups = append(groups, cur)
			cur = nil
		}
		return len(groups) <= maxDSNRecipients
	})
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// eachLine calls fn with each line of b, without its line ending, until fn
// returns false.
func eachLine(b []byte, fn func(line []byte) bool) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if !fn(bytes.TrimSuffix(line, []byte("\r"))) {
			return
		}
	}
}

// splitMessage returns the header block and the body, split at the first
// empty line.
func splitMessage(b []byte) (head, body []byte) {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return b, nil
		}
		if line := b[i : i+j]; len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return b[:i], b[i+j+1:]
		}
		i += j + 1
	}
	return b, nil
}

// parseFields unfolds a header block into fields. Lines that are not
// fields are skipped; at most maxHeaderFields are kept.
func parseFields(head []byte) []Field {
	const maxHeaderFields = 1000
	var fields []Field
	var value []byte
	flush := func() {
		if n := len(fields); n > 0 {
			fields[n-1].Value = clip(strings.TrimSpace(strings.ToValidUTF8(string(value), "\uFFFD")))
		}
		value = value[:0]
	}
	eachLine(head, func(line []byte) bool {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if len(fields) > 0 && len(value) < 4*maxDSNValue {
				value = append(append(value, ' '), bytes.TrimSpace(line)...)
			}
			return true
		}
		name, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok || !fieldName(name) {
			return true
		}
		if len(fields) >= maxHeaderFields {
			return false
		}
		flush()
		fields = append(fields, Field{Name: string(name)})
		value = append(value, rest...)
		return true
	})
	flush()
	return fields
}

func fieldName(b []byte) bool {
	if len(b) == 0 || len(b) > 76 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// get returns the first value of the named field, or "".
func get(fields []Field, name string) string {
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// getAll returns every value of the named field, in order.
func getAll(fields []Field, name string) []string {
	var out []string
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// clip bounds a value to maxDSNValue bytes without splitting a character.
func clip(s string) string {
	if len(s) <= maxDSNValue {
		return s
	}
	cut := maxDSNValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	case "iso-8859-15":
		return charmap.ISO8859_15.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("charset %q not supported", charset)
}}

// decodeWords decodes RFC 2047 encoded words; on failure s is returned.
func decodeWords(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return clip(d)
	}
	return s
}
