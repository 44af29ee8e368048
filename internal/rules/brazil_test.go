package rules

import (
	"testing"
	"time"
)

func brFacts(small bool, events ...string) Facts {
	return Facts{Organization: org("BR", "America/Sao_Paulo", "controller"), Events: ev(events...), Affected: aff("BR", 300),
		DataCategories: []string{"health"},
		Answers:        answers{"br_relevant_risk": true, "br_small_agent": small, "br_supplement_needed": true}}
}

// TestBrazilPeriodsAndSupplement: Res. CD/ANPD 15/2024 Art. 6 gives three
// business days for the communication to the ANPD and Art. 9 the same for
// data subjects; both are doubled for small-scale processing agents. Art. 6
// §3 lets the communication be supplemented within 20 business days of the
// date it was made (40 for small-scale agents). Business days skip Good
// Friday, Tiradentes and Labour Day; Corpus Christi (2025-06-19) is not a
// holiday.
func TestBrazilPeriodsAndSupplement(t *testing.T) {
	cat := loadTestCatalogue(t)
	aware := "2025-04-17T10:00:00-03:00" // Thursday before Good Friday
	filed := "2025-04-23T15:00:00-03:00"
	cases := []struct {
		name  string
		small bool
		key   string
		due   string
	}{
		// Apr 18 Good Friday, 19-20 weekend, 21 Tiradentes: 22 = 1, 23 = 2, 24 = 3.
		{"ANPD", false, "BR-LGPD-ANPD", "2025-04-24T23:59:59-03:00"},
		{"ANPD small agent", true, "BR-LGPD-ANPD", "2025-04-29T23:59:59-03:00"},
		{"data subjects", false, "BR-LGPD-DS", "2025-04-24T23:59:59-03:00"},
		{"data subjects small agent", true, "BR-LGPD-DS", "2025-04-29T23:59:59-03:00"},
		// From the communication on Apr 23: Apr 24 = 1 … May 1 is skipped … May 22 = 20.
		{"supplement", false, "BR-LGPD-ANPD/supplement", "2025-05-22T23:59:59-03:00"},
		{"supplement small agent", true, "BR-LGPD-ANPD/supplement", "2025-06-19T23:59:59-03:00"},
	}
	for _, tc := range cases {
		f := brFacts(tc.small, "aware", aware)
		f.Completed = ev("BR-LGPD-ANPD", filed)
		o := findObligation(Evaluate(cat, f, testOptions(t)), tc.key)
		if o == nil || o.Due == nil || o.Due.Format(time.RFC3339) != tc.due {
			t.Errorf("%s: due %v, want %s", tc.name, o, tc.due)
		}
	}
	// Until the communication is made the supplement has no date: it
	// counts from the communication, not from awareness.
	o := findObligation(Evaluate(cat, brFacts(false, "aware", aware), testOptions(t)), "BR-LGPD-ANPD/supplement")
	if o == nil || o.Due != nil || o.Anchor != "completed:BR-LGPD-ANPD" {
		t.Errorf("before the communication: %+v", o)
	}
	// No information left out: nothing to supplement.
	f := brFacts(false, "aware", aware)
	f.Answers["br_supplement_needed"] = false
	if o := findObligation(Evaluate(cat, f, testOptions(t)), "BR-LGPD-ANPD/supplement"); o == nil || o.Required == nil || *o.Required {
		t.Errorf("nothing to supplement: %+v", o)
	}
}
