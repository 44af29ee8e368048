package roster

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
