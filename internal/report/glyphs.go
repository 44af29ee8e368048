package report

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// coverage is the set of characters that every embedded face (regular, bold,
// italic) has a glyph for. The PDF library stops a document at the first
// character beyond its font's table and prints an empty box for one the font
// lacks, so clean decides per character before any text reaches it.
var coverage = sync.OnceValue(func() map[rune]bool {
	faces := make([]*sfnt.Font, 0, 3)
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("report: embedded font: " + err.Error())
		}
		faces = append(faces, f)
	}
	var buf sfnt.Buffer
	out := make(map[rune]bool, 800)
	for r := rune(0x20); r <= 0xFFFF; r++ {
		all := true
		for _, f := range faces {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				all = false
				break
			}
		}
		if all {
			out[r] = true
		}
	}
	return out
})

// printable reports whether r can be drawn with the embedded fonts.
func printable(r rune) bool { return coverage()[r] }

// replacement is what a document shows for a character the fonts cannot draw:
// its code point in brackets, so that a reader sees something was there, and
// which character it was, instead of a blank or an empty box. Direction
// overrides and other invisible format characters are shown the same way,
// which also keeps them from reordering the text around them.
func replacement(r rune) string { return fmt.Sprintf("[U+%04X]", r) }

// clean makes text safe to lay out: it is put in Unicode composed form (NFC),
// line ends are normalised, tabs become
// spaces, other control characters are replaced by U+FFFD, and characters the
// fonts cannot draw (emoji, scripts the fonts lack, invalid UTF-8) by their
// visible code point. Every other character, including markup and PDF syntax,
// is kept as written.
func clean(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	// Composed forms first: "e" followed by a combining acute is the "é"
	// the fonts have, not an "e" and a mark they lack.
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteRune('\uFFFD')
		case printable(r):
			b.WriteRune(r)
		default:
			b.WriteString(replacement(r))
		}
	}
	return b.String()
}
