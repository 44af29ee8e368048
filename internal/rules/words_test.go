package rules

import (
	"regexp"
	"strings"
	"testing"
)

// TestExplanationsUseLabelsNotIDs: a reviewer reads "the organization is
// not an enterprise under Québec's private-sector Act", not
// "roles do not include any of qc_enterprise".
func TestExplanationsUseLabelsNotIDs(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("US-CA", "America/Los_Angeles", "hipaa_covered_entity", "controller"),
		Events:         ev("discovered", "2025-03-03", "aware", "2025-03-03T10:00:00-08:00"),
		Affected:       aff("US-CA", 612, "US-NV", 200, "CA-QC", 40, "DE", 3),
		DataCategories: []string{"health", "payment_card"}, Kinds: []string{"unauthorized_access"},
		Answers: answers{"hipaa_unsecured_phi": true, "hipaa_low_probability": false, "gdpr_risk": "high_risk"}}
	res := Evaluate(cat, f, testOptions(t))
	qc := findObligation(res, "QC-PPIPS-CAI")
	if qc == nil || !strings.Contains(qc.Explanation, "the organization is not an enterprise under Québec's private-sector Act (P-39.1)") {
		t.Errorf("QC-PPIPS-CAI explanation: %+v", qc)
	}
	var ids []string
	for _, list := range [][]Term{cat.Vocabulary.Roles, cat.Vocabulary.DataCategories, cat.Vocabulary.Kinds, cat.Vocabulary.Events} {
		for _, term := range list {
			if strings.Contains(term.ID, "_") {
				ids = append(ids, term.ID)
			}
		}
	}
	regionCode := regexp.MustCompile(`\b[A-Z]{2}-[A-Z]{2,3}\b`)
	for _, o := range res.Obligations {
		for _, id := range ids {
			if strings.Contains(o.Explanation, id) {
				t.Errorf("%s: explanation names the id %q: %s", o.Key(), id, o.Explanation)
			}
		}
		if m := regionCode.FindString(o.Explanation); m != "" {
			t.Errorf("%s: explanation names the region code %s: %s", o.Key(), m, o.Explanation)
		}
	}
	hhs := findObligation(res, "US-HIPAA-HHS500")
	if hhs == nil || !strings.Contains(hhs.Explanation, "855 affected people in total (the rule needs at least 500)") {
		t.Errorf("HHS count explained without the law's comparison in words: %+v", hhs)
	}
}

// TestHIPAALogCountsFromDecember31: 45 CFR 164.408(c) gives "60 days after
// the end of each calendar year" for breaches of fewer than 500; the
// explanation must say it counts from 31 December, as the date does.
func TestHIPAALogCountsFromDecember31(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, tc := range []struct{ discovered, due, from string }{
		{"2025-06-01", "2026-03-01T23:59:59-05:00", "60 calendar days from 31 December 2025, the end of the calendar year of discovery"},
		{"2027-12-31", "2028-02-29T23:59:59-05:00", "60 calendar days from 31 December 2027, the end of the calendar year of discovery"},
		{"2028-01-01", "2029-03-01T23:59:59-05:00", "60 calendar days from 31 December 2028, the end of the calendar year of discovery"},
	} {
		o := findObligation(Evaluate(cat, hipaaFacts(tc.discovered, "US-NY", 20), testOptions(t)), "US-HIPAA-HHSLOG")
		if o == nil || o.Due == nil || o.Due.Format("2006-01-02T15:04:05Z07:00") != tc.due {
			t.Fatalf("discovered %s: due %v, want %s", tc.discovered, o, tc.due)
		}
		if !strings.Contains(o.Explanation, tc.from) || strings.Contains(o.Explanation, "60 calendar days from discovery") {
			t.Errorf("discovered %s: explanation %q, want %q", tc.discovered, o.Explanation, tc.from)
		}
	}
}
