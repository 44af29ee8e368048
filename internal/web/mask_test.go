package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestMaskCodes: the log's view of a public page's address keeps the
// page and every other parameter, and never a reference code.
func TestMaskCodes(t *testing.T) {
	for raw, want := range map[string]string{
		"/verify?code=ABCD-EFGH-JKMNP":           "/verify?code=%5Bmasked%5D",
		"/verify?CODE=abcd&lang=fr":              "/verify?CODE=%5Bmasked%5D&lang=fr",
		"/verify?code=a&code=b":                  "/verify?code=%5Bmasked%5D",
		"/verify/ABCD-EFGH-JKMNP":                "/verify/[masked]",
		"/verify/ABCD-EFGH-JKMNP?lang=en":        "/verify/[masked]?lang=en",
		"/verify":                                "/verify",
		"/incidents/acme-list?lang=fr":           "/incidents/acme-list?lang=fr",
		"/incidents/org/acme?code=ABCDEFGHJKMNP": "/incidents/org/acme?code=%5Bmasked%5D",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got := MaskCodes(u)
		if got != want {
			t.Errorf("MaskCodes(%s) = %s, want %s", raw, got, want)
		}
		if strings.Contains(strings.ToUpper(got), "ABCD") {
			t.Errorf("MaskCodes(%s) keeps the code: %s", raw, got)
		}
	}
	for _, p := range []string{"/verify", "/verify/x", "/incidents/x", "/incidents"} {
		if !publicPath(p) {
			t.Errorf("%s is a public page", p)
		}
	}
	for _, p := range []string{"/verifyx", "/calendar/abc.ics", "/breaches/1", "/incidentsx"} {
		if publicPath(p) {
			t.Errorf("%s is not a public page", p)
		}
	}
}
