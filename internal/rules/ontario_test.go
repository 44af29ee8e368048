package rules

import (
	"strings"
	"testing"
	"time"
)

// TestOntarioHolidayExtensionIsTheAlternative: Legislation Act, 2006 s.89
// extends a time that expires on a holiday to the next day that is not a
// holiday, but whether a regulator deadline may rely on it is not
// confirmed. The unextended date is due; the extended one is the
// alternative, with its basis. Saturday is not a holiday under s.87.
func TestOntarioHolidayExtensionIsTheAlternative(t *testing.T) {
	cat := loadTestCatalogue(t)
	hic := func(events ...string) Facts {
		return Facts{Organization: org("CA-ON", "America/Toronto", "hic"), Events: ev(events...), Affected: aff("CA-ON", 2),
			DataCategories: []string{"health"}, Kinds: []string{"loss"}}
	}
	cases := []struct {
		name, key string
		facts     Facts
		due, alt  string
	}{
		// O.Reg 329/04 s.6.4: "on or before March 1"; 2026-03-01 is a Sunday.
		{"PHIPA statistics, March 1 on a Sunday", "ON-PHIPA-STATS", hic("discovered", "2025-06-10"), "2026-03-01T23:59:59-05:00", "2026-03-02T23:59:59-05:00"},
		{"PHIPA statistics, March 1 on a Monday", "ON-PHIPA-STATS", hic("discovered", "2026-06-10"), "2027-03-01T23:59:59-05:00", ""},
		// PHIPA s.17.1, 30 days (unverified): day 30 on Good Friday 2026-04-03;
		// the next day that is not a holiday is Saturday 04-04.
		{"College notice, day 30 on Good Friday", "ON-PHIPA-COLLEGE", hic("agent_action", "2026-03-04"), "2026-04-03T23:59:59-04:00", "2026-04-04T23:59:59-04:00"},
		{"College notice, day 30 on a Thursday", "ON-PHIPA-COLLEGE", hic("agent_action", "2026-03-03"), "2026-04-02T23:59:59-04:00", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := findObligation(Evaluate(cat, tc.facts, testOptions(t)), tc.key)
			if o == nil || o.Due == nil || o.Due.Format(time.RFC3339) != tc.due {
				t.Fatalf("due %v, want %s", o, tc.due)
			}
			if tc.alt == "" {
				if len(o.Alternatives) != 0 {
					t.Errorf("a day that is not a holiday has no second reading: %+v", o.Alternatives)
				}
				return
			}
			if o.Alternative == nil || o.Alternative.Due == nil || o.Alternative.Due.Format(time.RFC3339) != tc.alt {
				t.Fatalf("alternative %+v, want %s", o.Alternative, tc.alt)
			}
			if !strings.Contains(o.Alternative.Basis, "s.89(1)") || !strings.Contains(o.Alternative.Basis, "must still be checked") {
				t.Errorf("basis %q does not cite s.89(1) and its status", o.Alternative.Basis)
			}
		})
	}
}

// TestJapanYearEndRollIsTheAlternative: the PPC counts the day of knowing
// as day 1 (Guidelines 3-5-3-4, from secondary sources) and moves a last
// day in the 29 December - 3 January closure to the next open day. That
// move is unconfirmed, so the unmoved day is due and the moved one is the
// alternative.
func TestJapanYearEndRollIsTheAlternative(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("JP", "Asia/Tokyo", "controller"), Events: ev("aware", "2025-12-01T10:00:00+09:00"),
		Affected: aff("JP", 1500), DataCategories: []string{"name"}, Kinds: []string{"unauthorized_disclosure"}}
	o := findObligation(Evaluate(cat, f, testOptions(t)), "JP-APPI-PPC-FIN")
	// Day 1 = Dec 1, day 30 = Dec 30 (in the closure); next open day Jan 5, 2026 (Jan 1-3 closure, Jan 4 Sunday).
	if o == nil || o.Due == nil || o.Due.Format(time.RFC3339) != "2025-12-30T23:59:59+09:00" {
		t.Fatalf("due %v, want 2025-12-30T23:59:59+09:00", o)
	}
	if o.Alternative == nil || o.Alternative.Due == nil || o.Alternative.Due.Format(time.DateOnly) != "2026-01-05" {
		t.Errorf("alternative %+v, want 2026-01-05", o.Alternative)
	}
}
