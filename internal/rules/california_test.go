package rules

import (
	"testing"
	"time"
)

// TestCaliforniaAttorneyGeneralSampleCopy: Cal. Civ. Code §1798.82(f) has
// required a single sample copy of the consumer notice to the Attorney
// General when more than 500 California residents are notified since
// 2012; SB 446 added "within 15 calendar days" of notifying consumers for
// breaches from 2026-01-01. Before 2026 the duty is in force with no period;
// 500 residents exactly is never enough.
func TestCaliforniaAttorneyGeneralSampleCopy(t *testing.T) {
	cat := loadTestCatalogue(t)
	ca := func(n int, events ...string) Facts {
		return Facts{Organization: org("US-CA", "America/Los_Angeles", "controller"), Events: ev(events...),
			Affected: aff("US-CA", n), DataCategories: []string{"ssn"}}
	}
	cases := []struct {
		name     string
		facts    Facts
		version  string
		required bool
		due      string
	}{
		{"2025 breach, 501 residents", ca(501, "discovered", "2025-06-02", "individuals_notified", "2025-07-01"), "2012-01-01", true, ""},
		{"last day of the old version", ca(501, "discovered", "2025-12-31", "individuals_notified", "2026-01-20"), "2012-01-01", true, ""},
		{"first day of SB 446", ca(501, "discovered", "2026-01-01", "individuals_notified", "2026-01-20"), "2026-01-01", true, "2026-02-04T23:59:59-08:00"},
		{"2025 breach, 500 residents", ca(500, "discovered", "2025-06-02"), "2012-01-01", false, ""},
		{"2026 breach, 500 residents", ca(500, "discovered", "2026-02-02"), "2026-01-01", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := findObligation(Evaluate(cat, tc.facts, testOptions(t)), "US-CA/ag")
			if o == nil || o.Version != tc.version || o.Required == nil || *o.Required != tc.required {
				t.Fatalf("version %s required %s, want %s %v: %+v", o.Version, boolText(o.Required), tc.version, tc.required, o.Explanation)
			}
			got := ""
			if o.Due != nil {
				got = o.Due.Format(time.RFC3339)
			}
			if got != tc.due {
				t.Errorf("due %q, want %q", got, tc.due)
			}
			if tc.required && tc.due == "" && o.Standard == "" {
				t.Errorf("a duty with no period must carry the statutory words")
			}
		})
	}
}

// TestStateDeadlineChanges: the dates the reference gives for changes to a
// state's period (regulations.md §1.6), both sides of each: Connecticut 60
// days from 2021-10-01 (90 before), Indiana 45 days from 2022-07-01, Maine
// 30 days from 2019-09-19.
func TestStateDeadlineChanges(t *testing.T) {
	f := func(region, zone, event, at string) Facts {
		return Facts{Organization: org(region, zone, "controller"), Events: ev(event, at), Affected: aff(region, 20), DataCategories: []string{"ssn"}}
	}
	runBoundary(t, []boundaryCase{
		{"CT day before 60-day rule", f("US-CT", "America/New_York", "discovered", "2021-09-30"), "US-CT/individuals", yes(), "2021-12-29T23:59:59-05:00"},
		{"CT first 60-day day", f("US-CT", "America/New_York", "discovered", "2021-10-01"), "US-CT/individuals", yes(), "2021-11-30T23:59:59-05:00"},
		{"IN day before 45-day rule", f("US-IN", "America/Indiana/Indianapolis", "discovered", "2022-06-30"), "US-IN/individuals", yes(), ""},
		{"IN first 45-day day", f("US-IN", "America/Indiana/Indianapolis", "discovered", "2022-07-01"), "US-IN/individuals", yes(), "2022-08-15T23:59:59-04:00"},
		{"ME day before 30-day rule", f("US-ME", "America/New_York", "aware", "2019-09-18"), "US-ME/individuals", yes(), ""},
		{"ME first 30-day day", f("US-ME", "America/New_York", "aware", "2019-09-19"), "US-ME/individuals", yes(), "2019-10-19T23:59:59-04:00"},
	})
}
