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
