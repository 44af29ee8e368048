// Package hostiletest is the one corpus of hostile strings that the tests
// of every output use: text a careless or hostile user can put in any
// field (script tags, spreadsheet formulas, PDF syntax, line breaks that
// start a new header or calendar line, control and bidirectional
// characters, a word of a megabyte, characters beyond the fonts), with the
// checks that say whether a value came out inert. It is for tests only.
package hostiletest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Case is one hostile string.
type Case struct {
	// Name says what the string tries.
	Name string
	// Text is the string.
	Text string
	// Huge marks a string too long for most single fields (1 MiB): a
	// store refuses it, and an output given it must stay bounded.
	Huge bool
}

// Script is a marker that must never reach a page or message as markup.
const Script = "<script>alert('hostile')</script>"

// Corpus is every hostile string.
func Corpus() []Case {
	return []Case{
		{Name: "script tag", Text: "Acme " + Script + " Inc"},
		{Name: "attribute breakout", Text: `"><img src=x onerror=alert(1)>'`},
		{Name: "javascript URL", Text: "javascript:alert(document.cookie)"},
		{Name: "template syntax", Text: "{{.Secret}} ${7*7} <%= 7*7 %>"},
		{Name: "formula equals", Text: "=HYPERLINK(\"http://evil.example\",\"click\")"},
		{Name: "formula command", Text: "=cmd|' /C calc'!A0"},
		{Name: "formula plus", Text: "+1+2"},
		{Name: "formula minus", Text: "-2+3+cmd|' /C calc'!A0"},
		{Name: "formula at", Text: "@SUM(1,2)"},
		{Name: "formula tab", Text: "\t=1+1"},
		{Name: "formula carriage return", Text: "\r=1+1"},
		{Name: "PDF syntax", Text: ") Tj ET BT /F1 99 Tf 0 0 Td (owned) Tj ET q 0 0 m ( \\) \\\\ endstream endobj %%EOF"},
		{Name: "PDF action", Text: "<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"},
		{Name: "header injection", Text: "Breach\r\nBcc: victim@evil.example\r\nSubject: injected"},
		{Name: "bare line feed header", Text: "Breach\nX-Injected: yes"},
		{Name: "body injection", Text: "x\r\n\r\n<html><body>forged</body></html>"},
		{Name: "calendar injection", Text: "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged\r\nDTSTART:19700101T000000Z"},
		{Name: "calendar separators", Text: `a;b,c\d:e`},
		{Name: "control characters", Text: "bell\a back\b esc\x1b[31m del\x7f vt\v ff\f nel\u0085 end"},
		{Name: "line and paragraph separators", Text: "one\u2028two\u2029three"},
		{Name: "direction override", Text: "Ann \u202Egnp.exe\u202C and \u202Bembed"},
		{Name: "direction isolates and marks", Text: "\u2067isolated\u2069 \u200F\u200E\u061C\u2066open"},
		{Name: "byte order mark and zero width", Text: "\uFEFFzero\u200Bwidth\u200Djoin"},
		{Name: "astral characters", Text: "Breach 😀 👩‍👩‍👧 𝕳𝖊𝖑𝖑𝖔 \U0010FFFD 🇨🇦"},
		{Name: "invalid UTF-8", Text: "bad \xff\xfe utf-8 \xc3"},
		{Name: "long word", Text: strings.Repeat("W", 20_000)},
		{Name: "megabyte word", Text: strings.Repeat("M", 1<<20), Huge: true},
	}
}

// Fitting is the corpus without the strings too long for a single field.
func Fitting() []Case {
	var out []Case
	for _, c := range Corpus() {
		if !c.Huge {
			out = append(out, c)
		}
	}
	return out
}

// Bidi reports whether r is a bidirectional formatting character (an
// embedding, override or isolate, or a directional mark) that can change
// how the text around a value reads.
func Bidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// Control reports whether r is a control character other than tab and
// line feed (those an output must handle by its own rules).
func Control(r rune) bool {
	return r != '\t' && r != '\n' && (unicode.IsControl(r) || r == 0x2028 || r == 0x2029)
}

// FormulaSafe reports whether a spreadsheet reading cell as text would
// not run it as a formula: it does not start with = + - @, a tab or a
// carriage return (a neutralised cell starts with a quote).
func FormulaSafe(cell string) bool {
	if cell == "" {
		return true
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return false
	}
	return true
}

// HeaderSafe reports whether a message's header block (as sent, before
// decoding) is made of header fields and their folded continuations only:
// no carriage return but in CRLF, and no line that is neither a field
// ("Name: value") nor a continuation (starting with a space or a tab).
func HeaderSafe(block string) bool {
	for _, l := range strings.Split(strings.ReplaceAll(block, "\r\n", "\n"), "\n") {
		switch {
		case strings.ContainsRune(l, '\r'):
			return false
		case l == "" || l[0] == ' ' || l[0] == '\t':
		default:
			name, _, ok := strings.Cut(l, ":")
			if !ok || name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r > '~' }) {
				return false
			}
		}
	}
	return true
}

// PlainSafe reports whether text for a reader (an e-mail body, a calendar
// value once unescaped) holds no control character but line breaks and
// tabs, no bidirectional formatting character and only valid UTF-8.
func PlainSafe(text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, r := range text {
		if r != '\r' && Control(r) || Bidi(r) {
			return false
		}
	}
	return true
}

// Offending quotes the first thing that makes text fail PlainSafe, with
// what comes around it, for a test's message.
func Offending(text string) string {
	if !utf8.ValidString(text) {
		return "invalid UTF-8"
	}
	for i, r := range text {
		if r != '\r' && Control(r) || Bidi(r) {
			from, to := max(0, i-20), min(len(text), i+20)
			return fmt.Sprintf("%U in %q", r, text[from:to])
		}
	}
	return "nothing"
}
