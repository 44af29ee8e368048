package report

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// face is one embedded TrueType face of a font set.
type face struct {
	style string // the PDF library's style: "", "B" or "I"
	ttf   []byte
}

// fontSet is a family of embedded faces and the characters every one of them
// can draw. The PDF library stops a document at the first character beyond
// its font's table and prints an empty box for one the font lacks, so text is
// cleaned against the set it will be printed with, per character, before any
// of it reaches the library.
type fontSet struct {
	family   string
	faces    []face
	coverage func() *runeSet
}

// newFontSet describes a family; its coverage is computed on first use.
func newFontSet(family string, faces ...face) *fontSet {
	fs := &fontSet{family: family, faces: faces}
	fs.coverage = sync.OnceValue(fs.computeCoverage)
	return fs
}

// register embeds every face of the set in a document.
func (fs *fontSet) register(p *fpdf.Fpdf) {
	for _, f := range fs.faces {
		p.AddUTF8FontFromBytes(fs.family, f.style, f.ttf)
	}
}

// printable reports whether every face of the set can draw r.
func (fs *fontSet) printable(r rune) bool { return fs.coverage().has(r) }

// runeSet is a set of characters of the Basic Multilingual Plane, the only
// plane the PDF library's font tables reach.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) has(r rune) bool {
	return r >= 0 && r < 0x10000 && s[r/64]&(1<<(r%64)) != 0
}

func (s *runeSet) add(r rune) { s[r/64] |= 1 << (r % 64) }

// computeCoverage asks each face for a glyph for every character from U+0020
// to U+FFFF and keeps those that all faces have.
func (fs *fontSet) computeCoverage() *runeSet {
	parsed := make([]*sfnt.Font, 0, len(fs.faces))
	for _, f := range fs.faces {
		font, err := sfnt.Parse(f.ttf)
		if err != nil {
			panic("report: embedded font " + fs.family + f.style + ": " + err.Error())
		}
		parsed = append(parsed, font)
	}
	var buf sfnt.Buffer
	out := new(runeSet)
	for r := rune(0x20); r <= 0xFFFF; r++ {
		if invisible(r) {
			continue
		}
		all := true
		for _, f := range parsed {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				all = false
				break
			}
		}
		if all {
			out.add(r)
		}
	}
	return out
}

// invisible reports the format characters and line and paragraph
// separators that are never printed as themselves, even when a font has a
// glyph for them: direction overrides, embeddings and isolates would reorder
// the text around them in any reader that applies them, zero-width and
// interlinear annotation characters hide text, and U+2028/U+2029 break lines
// where the layout does not expect it. The soft hyphen is the one format
// character kept: it is an ordinary visible hyphen in these documents.
func invisible(r rune) bool {
	return r != 0x00AD && unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// replacement is what a document shows for a character the fonts cannot draw:
// its code point in brackets, so that a reader sees something was there, and
// which character it was, instead of a blank or an empty box. Direction
// overrides and other invisible format characters are shown the same way,
// which also keeps them from reordering the text around them.
func replacement(r rune) string { return fmt.Sprintf("[U+%04X]", r) }

// clean makes text safe to lay out with the Go fonts of filings and
// registers; see fontSet.clean.
func clean(s string) string { return goFonts.clean(s) }

// clean makes text safe to lay out with the set: it is put in Unicode
// composed form (NFC), line ends are normalised, tabs become spaces, other
// control characters are replaced by U+FFFD, and characters the set cannot
// draw (emoji, scripts it lacks, invalid UTF-8) by their visible code point.
// Every other character, including markup and PDF syntax, is kept as written.
func (fs *fontSet) clean(s string) string {
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
		case fs.printable(r):
			b.WriteRune(r)
		default:
			b.WriteString(replacement(r))
		}
	}
	return b.String()
}
