package ui

import (
	"testing"
	"time"

	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
)

func TestGroupDutiesPutsOpenRequiredFirst(t *testing.T) {
	yes, no := true, false
	list := []obligation.Obligation{
		{RuleKey: "filed", Required: &yes, Considered: true, Status: obligation.StatusFiled},
		{RuleKey: "open", Required: &yes, Considered: true, Status: obligation.StatusPending},
		{RuleKey: "unknown", Considered: true, Status: obligation.StatusUndetermined},
		{RuleKey: "no", Required: &no, Considered: true, Status: obligation.StatusNotRequired},
		{RuleKey: "gone", Required: &yes, Considered: false, Status: obligation.StatusPending},
	}
	g := groupDuties(list)
	keys := func(rows []dutyRow) (out []string) {
		for _, r := range rows {
			out = append(out, r.RuleKey+":"+r.Required)
		}
		return out
	}
	for name, c := range map[string]struct{ got, want []string }{
		"required":     {keys(g.Required), []string{"open:yes", "filed:yes"}},
		"undetermined": {keys(g.Undetermined), []string{"unknown:undetermined"}},
		"not required": {keys(g.NotRequired), []string{"no:no", "gone:yes"}},
	} {
		if len(c.got) != len(c.want) {
			t.Fatalf("%s: %v, want %v", name, c.got, c.want)
		}
		for i := range c.got {
			if c.got[i] != c.want[i] {
				t.Fatalf("%s: %v, want %v", name, c.got, c.want)
			}
		}
	}
}

func TestKeptZoneShowsTheDeadlinesZone(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Skip("no zone database")
	}
	at := time.Date(2025, 10, 27, 10, 0, 0, 0, toronto)
	got := keptZone(&at)
	en, fr := i18n.For("en"), i18n.For("fr")
	if en.DateTime(got.At) != "2025-10-27 10:00 EDT" || got.Zone != "America/Toronto" || en.UTC(got.At) != "2025-10-27 14:00 UTC" ||
		got.Datetime != "2025-10-27T14:00:00Z" || fr.DateTime(got.At) != "27 octobre 2025 à 10\u00a0h HAE" {
		t.Fatalf("Toronto: %+v", got)
	}
	fixed := time.Date(2025, 1, 2, 9, 30, 0, 0, time.FixedZone("", 5*3600+1800))
	if got := keptZone(&fixed); got.Zone != "UTC+05:30" || en.UTC(got.At) != "2025-01-02 04:00 UTC" {
		t.Fatalf("fixed offset: %+v", got)
	}
	if keptZone(nil) != nil {
		t.Fatal("no time should show nothing")
	}
}

func TestLocalPathOnlyAcceptsThisSitesPages(t *testing.T) {
	for p, want := range map[string]string{
		"/breaches/12": "/breaches/12", "/deadlines": "/deadlines", "": "", "/": "",
		"//evil.example": "", "/\\evil.example": "", "https://evil.example/": "", "/breaches/12?x=1": "",
		"/breaches/../x": "", "breaches": "", "/breaches/12/": "",
	} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %q, want %q", p, got, want)
		}
	}
}
