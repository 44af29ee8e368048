package rules

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

const regulationsPath = "../../../shared/reference/regulations.md"

var stateRowRe = regexp.MustCompile(`^\| ([A-Z]{2}) \|`)
var idRowRe = regexp.MustCompile(`^\| ([A-Z]{2}-[A-Z0-9+-]+) \|`)

// referenceIDs parses the §1 tables of regulations.md: regime ids, and
// state rows as US-<code>.
func referenceIDs(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(regulationsPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference not found at %s", regulationsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	inS1, inStates := false, false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## 1."):
			inS1 = true
		case strings.HasPrefix(line, "## 2."):
			inS1 = false
		case strings.HasPrefix(line, "### 1.6"):
			inStates = true
		}
		if !inS1 {
			continue
		}
		if m := idRowRe.FindStringSubmatch(line); m != nil && !inStates {
			ids = append(ids, m[1])
		} else if m := stateRowRe.FindStringSubmatch(line); m != nil && inStates {
			ids = append(ids, "US-"+m[1])
		}
	}
	return ids
}

func TestEveryReferenceIDHasARule(t *testing.T) {
	t.Parallel()
	ids := referenceIDs(t)
	if len(ids) < 100 {
		t.Fatalf("parsed only %d ids from %s", len(ids), regulationsPath)
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
