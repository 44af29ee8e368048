package rules

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func secFacts(determined string) Facts {
	return Facts{Organization: org("US-NY", "America/New_York", "sec_registrant"), Events: ev("materiality_determined", determined)}
}

// TestSEC8KFilingCutOff: Form 8-K Gen. Instr. B.1 gives four business days
// after the materiality determination; Reg. S-T 232.13(a)(2) dates a Form
// 8-K submitted after 5:30 p.m. Eastern on the next business day. The due
// time is 17:30 ET on day four, and no 22:00 reading is offered: a filing
// between 17:30 and 22:00 that day is late.
func TestSEC8KFilingCutOff(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, tc := range []struct{ determined, due string }{
		{"2025-11-26T14:00:00-05:00", "2025-12-03T17:30:00-05:00"}, // over Thanksgiving; Black Friday is a business day
		{"2025-10-10T16:00:00-04:00", "2025-10-17T17:30:00-04:00"}, // Columbus Day skipped
		{"2025-01-06T09:00:00-05:00", "2025-01-13T17:30:00-05:00"}, // confirmed EDGAR closure on 2025-01-09 skipped
		{"2025-01-08T23:00:00-05:00", "2025-01-15T17:30:00-05:00"}, // the 9th is closed: Fri 10 = 1, Mon 13 = 2, Tue 14 = 3, Wed 15 = 4
	} {
		o := findObligation(Evaluate(cat, secFacts(tc.determined), testOptions(t)), "US-SEC-8K")
		if o == nil || o.Due == nil || o.Due.Format(time.RFC3339) != tc.due {
			t.Errorf("determined %s: due %v, want %s", tc.determined, o.Due, tc.due)
			continue
		}
		for _, a := range o.Alternatives {
			if a.Due != nil && a.Due.Hour() == 22 {
				t.Errorf("determined %s: a 22:00 alternative is offered: %+v", tc.determined, a)
			}
		}
		if !strings.Contains(o.Notes, "after 17:30 Eastern time is filed on the next business day") {
			t.Errorf("notes do not carry the 17:30 rule: %q", o.Notes)
		}
	}
}

// TestSEC8KUnconfirmedClosuresConservativeFirst: an executive order closed
// agencies on 2025-12-24 and 2025-12-26, and whether EDGAR closed is not
// confirmed (regulations.md §5 item 17). The date counted with EDGAR open
// is due; the date counted with it closed is the alternative, naming the days.
func TestSEC8KUnconfirmedClosuresConservativeFirst(t *testing.T) {
	cat := loadTestCatalogue(t)
	o := findObligation(Evaluate(cat, secFacts("2025-12-22T10:00:00-05:00"), testOptions(t)), "US-SEC-8K")
	if o.Due == nil || o.Due.Format(time.RFC3339) != "2025-12-29T17:30:00-05:00" {
		t.Fatalf("due %v, want 2025-12-29T17:30:00-05:00 (Dec 23, 24, 26, 29 as business days)", o.Due)
	}
	if o.Alternative == nil || o.Alternative.Due == nil || o.Alternative.Due.Format(time.RFC3339) != "2025-12-31T17:30:00-05:00" {
		t.Fatalf("alternative %+v, want 2025-12-31T17:30:00-05:00 (EDGAR closed on Dec 24 and 26)", o.Alternative)
	}
	for _, want := range []string{"2025-12-24", "2025-12-26", "not confirmed"} {
		if !strings.Contains(o.Alternative.Basis, want) {
			t.Errorf("alternative basis %q lacks %q", o.Alternative.Basis, want)
		}
	}
	// A count that does not cross an unconfirmed closure has one date.
	o = findObligation(Evaluate(cat, secFacts("2025-12-10T10:00:00-05:00"), testOptions(t)), "US-SEC-8K")
	if o.Due.Format(time.RFC3339) != "2025-12-16T17:30:00-05:00" || len(o.Alternatives) != 0 {
		t.Errorf("due %v alternatives %+v, want 2025-12-16T17:30:00-05:00 and none", o.Due, o.Alternatives)
	}
}

// TestUncoveredCalendarYearIsReported: a business-day count in a year the
// calendar's published list does not cover gives no date and says why,
// rather than a date counted as if there were no holidays.
func TestUncoveredCalendarYearIsReported(t *testing.T) {
	vocab, err := os.ReadFile("../../config/regulations/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Load(fstest.MapFS{
		"vocabulary.yaml": {Data: vocab},
		"t.yaml": {Data: []byte(`rules:
  - {id: SG-X, version: "1", jurisdiction: SG, recipient: {kind: regulator, name: R}, clock: {anchor: aware, business_days: 5, calendar: SG}, citation: c, status: verified}
`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	f := Facts{Organization: org("SG", "Asia/Singapore"), Events: ev("aware", "2026-12-28T10:00:00+08:00")}
	o := findObligation(Evaluate(cat, f, opts), "SG-X")
	if o == nil || o.Due != nil || !strings.Contains(o.Explanation, "covers 2024-2026") {
		t.Fatalf("want no date and the coverage named: %+v", o)
	}
	f.Events["aware"] = "2026-12-01T10:00:00+08:00"
	if o := findObligation(Evaluate(cat, f, opts), "SG-X"); o.Due == nil || o.Due.Format(time.DateOnly) != "2026-12-08" {
		t.Errorf("inside the covered years: %v, want 2026-12-08", o.Due)
	}
}
