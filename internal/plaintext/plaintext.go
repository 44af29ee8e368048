// Package plaintext makes user text safe to show in plain-text outputs (an
// e-mail's text, a calendar's values): nothing in a value can change how
// the text around it reads. Markup and formula escaping stay with each
// output (html/template, the CSV writers); this is what they share.
package plaintext

import (
	"strings"
	"unicode"
)

// Bidi reports whether r is a bidirectional formatting character: an
// embedding, override or isolate, or a directional mark. One in a value
// can reverse the text after it ("Ann \u202Egnp.exe" reads "Ann exe.png").
func Bidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// Text keeps a multi-line value's line breaks (as \n) and tabs, and drops
// the other control characters, the bidirectional formatting characters
// and the byte-order mark; invalid UTF-8 becomes U+FFFD.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85:
			b.WriteByte('\n')
		case unicode.IsControl(r) || Bidi(r) || r == 0xFEFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Line is Text for a value that must stay on one line (a name, a title,
// a header): every run of line breaks, tabs and spaces becomes one space.
func Line(s string) string {
	return strings.Join(strings.FieldsFunc(Text(s), unicode.IsSpace), " ")
}
