package rules

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// referenceIDs reads the regime ids of regulations.md §1 (state rows as
// US-<code>) from the vendored coverage table.
func referenceIDs(t *testing.T) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readTestdata(t, coverageFile))).ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", coverageFile, err)
	}
	if len(rows) < 2 || rows[0][0] != "id" {
		t.Fatalf("%s: want a header row starting with id", coverageFile)
	}
	ids := make([]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

func TestEveryReferenceIDHasARule(t *testing.T) {
	t.Parallel()
	ids := referenceIDs(t)
	if len(ids) < 100 {
		t.Fatalf("parsed only %d ids from %s", len(ids), coverageFile)
	}
	cat := loadTestCatalogue(t)
	var missing []string
	for _, id := range ids {
		if !cat.HasID(id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d §1 ids have no rule: %s", len(missing), len(ids), strings.Join(missing, " "))
	}
}
func BenchmarkEvaluate(b *testing.B) {
	cat := loadTestCatalogue(b)
	opts := testOptions(b)
	facts := Facts{
		Organization:   org("US-NY", "America/New_York", "hipaa_covered_entity", "controller", "commercial_org"),
		Events:         ev("discovered", "2026-01-20", "aware", "2026-01-21T10:00:00-05:00", "determined", "2026-01-22T10:00:00-05:00"),
		DataCategories: []string{"name", "ssn", "health"},
		Kinds:          []string{"hacking"},
		Answers:        answers{"hipaa_unsecured_phi": true, "hipaa_low_probability": false, "rrosh": true, "gdpr_risk": "high_risk"},
	}
	regions := []string{"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
		"MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "PR", "RI", "SC",
		"SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"}
	for i, r := range regions {
		facts.Affected = append(facts.Affected, Affected{Region: "US-" + r, Count: 1000 + i*331})
	}
	for _, r := range []string{"CA-ON", "CA-QC", "CA-BC", "CA-AB", "DE", "FR", "IE", "GB"} {
		facts.Affected = append(facts.Affected, Affected{Region: r, Count: 2500})
	}
	if len(facts.Affected) != 60 {
		b.Fatalf("want 60 regions, have %d", len(facts.Affected))
	}
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = len(Evaluate(cat, facts, opts).Obligations)
	}
	b.ReportMetric(float64(n), "obligations")
}
