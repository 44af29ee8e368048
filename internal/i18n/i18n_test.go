package i18n

import (
	"testing"
	"time"
)

func TestNegotiation(t *testing.T) {
	for header, want := range map[string]string{
		"fr-CA,fr;q=0.9,en;q=0.8": "fr", "en-US,en;q=0.9": "en", "fr": "fr", "de-DE": "", "": "",
		"de;q=1, fr-BE;q=0.5": "fr", "*": "", "garbage;;;": "",
	} {
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
	if got := Pick("", "de", "fr_CA", "en"); got != "fr" {
		t.Errorf("Pick: %q", got)
	}
	if got := Pick("", "xx"); got != Default {
		t.Errorf("Pick of nothing known: %q", got)
	}
	if For("fr-CA").Lang() != "fr" || For("").Lang() != "en" || For("de").Lang() != "en" {
		t.Error("For does not normalize")
	}
	if !Supported("fr") || Supported("fr-CA") || Supported("") {
		t.Error("Supported takes only stored values")
	}
}

func TestMessagesAndPlurals(t *testing.T) {
	en, fr := For("en"), For("fr")
	for _, c := range []struct {
		got, want string
	}{
		{en.N("people.count", 1), "1 person"},
		{en.N("people.count", 0), "0 people"},
		{en.N("people.count", 1200), "1,200 people"},
		{fr.N("people.count", 0), "0 personne"},
		{fr.N("people.count", 1), "1 personne"},
		{fr.N("people.count", 2), "2 personnes"},
		{fr.N("people.count", 1234567), "1\u00a0234\u00a0567 personnes"},
		{fr.T("timeline.recorded_in", "Zone", "UTC"), "saisi dans le fuseau UTC"},
		{fr.T("no.such.key"), "no.such.key"},
		{fr.Term("breach_status", "contained"), "maîtrisée"},
		{fr.Term("breach_status", "new_value"), "new value"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Skip("no zone database")
	}
	at := time.Date(2026, 12, 6, 16, 15, 0, 0, toronto)
	en, fr := For("en"), For("fr")
	for _, c := range []struct{ got, want string }{
		{fr.DateTime(at), "6 décembre 2026 à 16\u00a0h\u00a015 HNE"},
		{en.DateTime(at), "2026-12-06 16:15 EST"},
		{fr.UTC(at), "6 décembre 2026 à 21\u00a0h\u00a015 UTC"},
		{en.UTC(at), "2026-12-06 21:15 UTC"},
		{fr.Date(time.Date(2026, 7, 1, 9, 0, 0, 0, toronto)), "1er juillet 2026"},
		{fr.DateTime(time.Date(2026, 7, 1, 9, 0, 0, 0, toronto)), "1er juillet 2026 à 9\u00a0h HAE"},
		{en.Int(-1234), "-1,234"},
		{en.Int(999), "999"},
		{fr.Int(1000), "1\u00a0000"},
		{fr.DateTime(time.Date(2026, 1, 2, 9, 30, 0, 0, time.FixedZone("", 5*3600+1800))), "2 janvier 2026 à 9\u00a0h\u00a030 UTC+05:30"},
		{fr.FullDateTime(at), "dimanche 6 décembre 2026 à 16\u00a0h\u00a015 HNE"},
		{en.FullDateTime(at), "Sun 6 Dec 2026 16:15 EST"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
