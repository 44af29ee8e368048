package rosterfile

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldKey reduces s to lower-case ASCII letters and digits, dropping accents, spaces and
// punctuation, so that "E-mail", "e mail" and "EMAIL" compare equal and "État" equals "etat".
func FoldKey(s string) string {
	return foldWith(s, 0)
}

// FoldWords is FoldKey that keeps word boundaries as single spaces: "Jean-Luc  Côté" -> "jean luc cote".
func FoldWords(s string) string {
	return foldWith(s, ' ')
}

func foldWith(s string, sep byte) string {
	if isFoldedASCII(s, sep) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	emit := func(c byte) {
		if pending && b.Len() > 0 {
			b.WriteByte(sep)
		}
		pending = false
		b.WriteByte(c)
	}
	for _, r := range s {
		c, ok := foldRune(r)
		if ok {
			emit(c)
		} else if sep != 0 {
			pending = true
		}
	}
	return b.String()
}

// isFoldedASCII reports whether s is already in folded form, to avoid an allocation.
func isFoldedASCII(s string, sep byte) bool {
	prevSep := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevSep = false
		case sep != 0 && c == sep && !prevSep:
			prevSep = true
		default:
			return false
		}
	}
	return !(sep != 0 && prevSep && len(s) > 0)
}

// foldRune maps a rune to a lower-case ASCII letter or digit, if it has one.
func foldRune(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		c := byte(r) // #nosec G115 -- r < utf8.RuneSelf (128)
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			return c, true
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A', true
		}
		return 0, false
	}
	switch r {
	case 'ß':
		return 's', true
	case 'æ', 'Æ':
		return 'a', true
	case 'œ', 'Œ':
		return 'o', true
	case 'ø', 'Ø':
		return 'o', true
	}
	if !unicode.IsLetter(r) {
		return 0, false
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Bytes(buf[:n])
	if len(d) > 0 && d[0] < utf8.RuneSelf {
		return foldRune(rune(d[0]))
	}
	return 0, false
}
