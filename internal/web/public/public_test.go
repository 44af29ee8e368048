package public

import (
	"testing"

	"github.com/breachline/breachline/internal/i18n"
)

// TestMemoTSaysWhatTSays: the remembered messages are the locale's, in
// each language, asked once or many times; a message with arguments is
// worked out with them every time.
func TestMemoTSaysWhatTSays(t *testing.T) {
	for _, lang := range i18n.Languages {
		l := i18n.For(lang)
		memo := memoT(l)
		for i := 0; i < 3; i++ {
			for _, key := range []string{"public.verify.heading", "public.verify.not_genuine_text", "public.limited.title"} {
				if got, want := memo(key), l.T(key); got != want || got == key {
					t.Fatalf("%s %s: %q, want %q", lang, key, got, want)
				}
			}
			for _, org := range []string{"Org A", "Org B"} {
				got, want := memo("public.verify.genuine_text", "Org", org), l.T("public.verify.genuine_text", "Org", org)
				if got != want {
					t.Fatalf("%s with Org %s: %q, want %q", lang, org, got, want)
				}
			}
		}
	}
}
