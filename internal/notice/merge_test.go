package notice

import (
	"errors"
	"strings"
	"testing"
)

func known(names ...string) func(string) bool {
	return func(n string) bool {
		for _, v := range names {
			if v == n {
				return true
			}
		}
		return false
	}
}

func vals(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestMergeSectionsAndEscaping(t *testing.T) {
	src := "Dear {{name}},\n{{#remediation}}\nOffer: {{remediation}}\n{{/remediation}}\n{{^remediation}}\nNo offer.\n{{/remediation}}\nEnd"
	tpl, err := Parse("text", src, known("name", "remediation"))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	got := tpl.Render(vals(map[string]string{"name": "Ann"}), Text, used)
	if got != "Dear Ann,\nNo offer.\nEnd" {
		t.Fatalf("without the offer: %q", got)
	}
	if !used["name"] || used["remediation"] {
		t.Fatalf("used: %v", used)
	}
	got = tpl.Render(vals(map[string]string{"name": "Ann", "remediation": "24 months"}), Text, nil)
	if got != "Dear Ann,\nOffer: 24 months\nEnd" {
		t.Fatalf("with the offer: %q", got)
	}
	if !tpl.conditional("remediation") || tpl.conditional("name") {
		t.Fatal("remediation is printed only inside its own section; name is not")
	}
}

// Hostile merge data comes out inert in every part: markup escaped in
// HTML, no header injection in the subject, no direction overrides, no
// control characters.
func TestMergeValuesAreInert(t *testing.T) {
	hostile := "<script>alert(1)</script>\r\nBcc: victim@example.org\u202eevil\x00=cmd|' /C calc'!A0"
	tpl, _ := Parse("p", "[{{name}}]", known("name"))
	v := vals(map[string]string{"name": hostile})
	h := tpl.Render(v, HTML, nil)
	if strings.Contains(h, "<script>") || !strings.Contains(h, "&lt;script&gt;") {
		t.Errorf("HTML not escaped: %q", h)
	}
	subj := tpl.Render(v, Header, nil)
	if strings.ContainsAny(subj, "\r\n\x00\u202e") {
		t.Errorf("header kept a line break, control or override: %q", subj)
	}
	txt := tpl.Render(v, Text, nil)
	if strings.ContainsAny(txt, "\r\x00\u202e") {
		t.Errorf("text kept a control or override: %q", txt)
	}
}

func TestParseErrorsNameThePlace(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"Hello {{nam}}", `line 1, column 7: unknown field "nam"`},
		{"a\n{{#name}}x", "never closed"},
		{"a {{/name}}", "closes a section that is not open"},
		{"x {{ name", "never closed with }}"},
		{"{{Name}}", "not a field name"},
	} {
		_, err := Parse("text", c.src, known("name"))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "text, line") {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
}

func TestReferenceCodes(t *testing.T) {
	k, err := NewKeys([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	a, b := k.Code(1, 2), k.Code(1, 3)
	if a == b || len(a) != 15 || a != k.Code(1, 2) {
		t.Fatalf("codes %q %q", a, b)
	}
	typed := strings.ToLower(strings.ReplaceAll(a, "-", " "))
	typed = strings.ReplaceAll(strings.ReplaceAll(typed, "0", "o"), "1", "l")
	if CodeHash(typed) != CodeHash(a) {
		t.Fatalf("%q typed as %q does not match", a, typed)
	}
	if _, ok := NormalizeCode(a + "X"); ok {
		t.Fatal("a code one character too long was accepted")
	}
	other, _ := NewKeys([]byte(strings.Repeat("q", 32)))
	if other.Code(1, 2) == a {
		t.Fatal("another secret gives the same code")
	}
	verp := k.BounceAddress("bounces@example.org", 12, 345)
	if c, p, ok := k.ParseBounceAddress("<" + strings.ToUpper(verp) + ">"); !ok || c != 12 || p != 345 {
		t.Fatalf("bounce address %q read back as %d %d %v", verp, c, p, ok)
	}
	forged := strings.Replace(verp, ".345.", ".346.", 1)
	if _, _, ok := k.ParseBounceAddress(forged); ok {
		t.Fatal("a forged bounce address was accepted")
	}
}

// Every code has at least 60 bits: 13 characters of a 32-letter alphabet.
func TestCodesUseTheWholeAlphabet(t *testing.T) {
	k, _ := NewKeys([]byte(strings.Repeat("s", 32)))
	seen := map[rune]bool{}
	for i := int64(0); i < 2000; i++ {
		for _, r := range strings.ReplaceAll(k.Code(7, i), "-", "") {
			seen[r] = true
		}
	}
	if len(seen) != 32 {
		t.Fatalf("codes use %d characters of 32", len(seen))
	}
	for _, bad := range "ILOU" {
		if seen[bad] {
			t.Fatalf("a code contains the look-alike %c", bad)
		}
	}
}

func TestShippedTemplatesParse(t *testing.T) {
	sets, err := LoadShipped(templateFS(), "notices")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"general", "ontario", "gdpr", "us"} {
		set, ok := sets[key]
		if !ok || len(set.Parts) != 2 || set.Name["fr"] == "" {
			t.Fatalf("set %s: %+v", key, set)
		}
		for lang, p := range set.Parts {
			if !strings.Contains(p.HTML, `<html lang="`+lang+`">`) || strings.Contains(strings.ToLower(p.HTML), "<img") {
				t.Errorf("%s/%s: HTML without its language or with an image", key, lang)
			}
		}
	}
	if _, err := LoadRequirements(); err != nil {
		t.Fatal(err)
	}
}
