package rosterfile

import "testing"

// A value exported formula-safe reads back as it was, and a value that
// merely starts with a quote is left alone.
func TestSafeCellReadsBack(t *testing.T) {
	for _, v := range []string{"+1 416 555 0100", "=SUM(A1)", "-", "@home", "plain", "'quoted", "''+x", ""} {
		if got := unneutralise(SafeCell(v)); got != v {
			t.Errorf("%q exported as %q reads back as %q", v, SafeCell(v), got)
		}
	}
	if got := unneutralise("'Brien"); got != "'Brien" {
		t.Errorf("a name starting with a quote became %q", got)
	}
}

// The values of the corpus's formula.csv, stored as written, leave an
// export as text.
func TestSafeCell(t *testing.T) {
	formula := `=HYPERLINK("http://x","click")`
	for in, want := range map[string]string{formula: "'" + formula, "+1234": "'+1234", "@SUM(A1:A2)": "'@SUM(A1:A2)",
		"-5": "'-5", "\tx": "'\tx", "\rx": "'\rx", "Jean": "Jean", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
