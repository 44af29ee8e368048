package rules

import (
	"strings"
	"testing"
	"time"
)

func leFacts(region, zone string, events ...string) Facts {
	return Facts{Organization: org(region, zone, "controller"), Events: ev(events...), Affected: aff(region, 40),
		DataCategories: []string{"ssn"}, Answers: answers{"le_delay": true}}
}

// TestMaineLawEnforcementDelayRestartsTheClock: 10 M.R.S. §1348 — when
// notice was delayed for law enforcement, it is due within 7 business days
// after the agency determines notice will no longer compromise the
// investigation. Maine business days skip Patriots' Day.
func TestMaineLawEnforcementDelayRestartsTheClock(t *testing.T) {
	cat := loadTestCatalogue(t)
	cases := []struct {
		name   string
		events []string
		due    string
		alt    string
	}{
		// 30 days from awareness (2026-03-01) passed during the delay; 7
		// business days after 2026-03-20 (Fri): Mar 23 … Mar 31.
		{"delay outlasts the 30 days", []string{"aware", "2026-01-30", "le_delay_requested", "2026-02-02", "le_delay_lifted", "2026-03-20"}, "2026-03-31T23:59:59-04:00", ""},
		// Cleared on Wed 2026-03-04: Mar 5 … Mar 13 is earlier than the 30 days (Mar 31), which stays as the other reading.
		{"short delay", []string{"aware", "2026-03-01", "le_delay_requested", "2026-03-02", "le_delay_lifted", "2026-03-04"}, "2026-03-13T23:59:59-04:00", "2026-03-31T23:59:59-04:00"},
		// Cleared Tue 2026-04-14: Patriots' Day (Mon 2026-04-20) is skipped, day 7 is Fri Apr 24.
		{"across Patriots' Day", []string{"aware", "2026-04-01", "le_delay_requested", "2026-04-02", "le_delay_lifted", "2026-04-14"}, "2026-04-24T23:59:59-04:00", "2026-05-01T23:59:59-04:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := findObligation(Evaluate(cat, leFacts("US-ME", "America/New_York", tc.events...), testOptions(t)), "US-ME/individuals")
			if o == nil || o.Due == nil || o.Due.Format(time.RFC3339) != tc.due {
				t.Fatalf("due %v, want %s (%s)", o.Due, tc.due, o.Explanation)
			}
			gotAlt := ""
			if o.Alternative != nil && o.Alternative.Due != nil {
				gotAlt = o.Alternative.Due.Format(time.RFC3339)
			}
			if gotAlt != tc.alt {
				t.Errorf("alternative %q, want %q", gotAlt, tc.alt)
			}
		})
	}
	o := findObligation(Evaluate(cat, leFacts("US-ME", "America/New_York", "aware", "2026-03-01", "le_delay_requested", "2026-03-02"), testOptions(t)), "US-ME/individuals")
	if o.Due != nil || !strings.Contains(o.Standard, "within 7 business days after the agency determines") {
		t.Errorf("delay still running: due %v, standard %q", o.Due, o.Standard)
	}
}

// TestUncheckedDelayKeepsTheDateAndOffersTheToll: whether a delay stops
// the Texas 60 days from running is unverified. The unextended date stays
// due; the date moved by the length of the delay is the alternative.
func TestUncheckedDelayKeepsTheDateAndOffersTheToll(t *testing.T) {
	cat := loadTestCatalogue(t)
	o := findObligation(Evaluate(cat, leFacts("US-TX", "America/Chicago", "determined", "2026-01-05",
		"le_delay_requested", "2026-01-10", "le_delay_lifted", "2026-02-09"), testOptions(t)), "US-TX/individuals")
	if o.Due == nil || o.Due.Format(time.DateOnly) != "2026-03-06" {
		t.Fatalf("due %v, want 2026-03-06 (60 days from determination, not extended)", o.Due)
	}
	if o.Alternative == nil || o.Alternative.Due == nil || o.Alternative.Due.Format(time.DateOnly) != "2026-04-05" || !strings.Contains(o.Alternative.Basis, "suspends") {
		t.Errorf("alternative %+v, want 2026-04-05 (30 days of delay added)", o.Alternative)
	}
	// The delay is modelled for the notice to residents; the Attorney
	// General's 30 days are not moved by it.
	f := leFacts("US-TX", "America/Chicago", "determined", "2026-01-05", "le_delay_requested", "2026-01-10", "le_delay_lifted", "2026-02-09")
	f.Affected = aff("US-TX", 300)
	ag := findObligation(Evaluate(cat, f, testOptions(t)), "US-TX/ag")
	if ag == nil || ag.Due == nil || ag.Due.Format(time.DateOnly) != "2026-02-04" || len(ag.Alternatives) > 0 {
		t.Errorf("Attorney General: due %v alternatives %+v, want 2026-02-04 and none", ag.Due, ag.Alternatives)
	}
}
