package plaintext

import "testing"

func TestTextAndLine(t *testing.T) {
	for _, tc := range []struct{ in, text, line string }{
		{"plain", "plain", "plain"},
		{"a\r\nb\rc\u2028d\u0085e", "a\nb\nc\nd\ne", "a b c d e"},
		{"Ann \u202Egnp.exe\u202C \u2067x\u2069\u200F\u061C\uFEFF", "Ann gnp.exe x", "Ann gnp.exe x"},
		{"bell\a esc\x1b[1m del\x7f\tend", "bell esc[1m del\tend", "bell esc[1m del end"},
		{"bad \xff", "bad \uFFFD", "bad \uFFFD"},
		{"  several   spaces \n\n", "  several   spaces \n\n", "several spaces"},
	} {
		if got := Text(tc.in); got != tc.text {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
}
