package report

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/runenames"
)

// TestArabicFormsAreTheLettersOwn checks the presentation-form table against
// the Unicode character names: the forms of ARABIC LETTER BEH are ARABIC
// LETTER BEH ISOLATED FORM, FINAL FORM and so on, and the letter fonts have
// every one of them.
func TestArabicFormsAreTheLettersOwn(t *testing.T) {
	suffixes := []string{" ISOLATED FORM", " FINAL FORM", " INITIAL FORM", " MEDIAL FORM"}
	for base, forms := range arabicForms {
		name := runenames.Name(base)
		for i, f := range forms {
			if f == 0 {
				continue
			}
			if got, want := runenames.Name(f), name+suffixes[i]; got != want {
				t.Errorf("%U form %d is %U %q, want %q", base, i, f, got, want)
			}
			if !letterFonts.printable(f) {
				t.Errorf("%U (%s) is not in the letter fonts", f, runenames.Name(f))
			}
		}
	}
	for alef, lig := range lamAlef {
		for i, suffix := range suffixes[:2] {
			got := runenames.Name(lig + rune(i))
			if !strings.HasPrefix(got, "ARABIC LIGATURE LAM WITH ") || !strings.HasSuffix(got, suffix) {
				t.Errorf("lam with %U: %U is %q", alef, lig+rune(i), got)
			}
		}
	}
}

func TestShapeArabic(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Dana", "Dana"},
		{"محمد", "\uFEE3\uFEA4\uFEE4\uFEAA"},        // meem initial, hah medial, meem medial, dal final
		{"سلام", "\uFEB3\uFEFC\uFEE1"},              // seen initial, lam-alef final, meem isolated
		{"لا", "\uFEFB"},                            // lam-alef isolated
		{"بَب", "\uFE91\u064E\uFE90"},               // a fatha between two behs leaves them joined
		{"ب ب", "\uFE8F \uFE8F"},                    // a space breaks the join
		{"دار", "\uFEA9\uFE8D\uFEAD"},               // right-joining letters do not join forward
		{"پرویز", "\uFB58\uFEAE\uFEED\uFBFE\uFEB0"}, // Persian peh and farsi yeh
	} {
		if got := shapeArabic(letterFonts, c.in); got != c.want {
			t.Errorf("shapeArabic(%q) = %+q, want %+q", c.in, got, c.want)
		}
	}
}

func TestVisualOrder(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Dear reader (1)", "Dear reader (1)"},
		{"שלום", "םולש"},
		{"Dear שלום עולם, hello", "Dear םלוע םולש, hello"},
		{"אב 123 גד", "דג 123 בא"},
		{"ref (אב) x", "ref (בא) x"},
		{"א(ב)ג", "ג(ב)א"}, // brackets inside right-to-left text are mirrored
		{"Dear محمد (رقم ١٢٣) and", "Dear (١٢٣ مقر) دمحم and"},
		{"see (محمد) now", "see (دمحم) now"},
		{"محمد (Jane) x", "دمحم (Jane) x"},
		{"בָּא", "אבָּ"}, // marks stay after their letter
		{"שלום  ", "םולש  "},
		{"\uFEE3\uFEA4\uFEE4\uFEAA 2025", "2025 \uFEAA\uFEE4\uFEA4\uFEE3"},
	} {
		if got := visualOrder(c.in); got != c.want {
			t.Errorf("visualOrder(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
