package rules

import (
	"strings"
	"testing"
)

// TestMediaNoticeIsOneDutyPerState: 45 CFR 164.406(a) requires notice to
// prominent media outlets serving a State "for a breach of unsecured
// protected health information involving more than 500 residents of a
// State or jurisdiction". Each State is its own duty with its own count:
// 612 in California and 501 in Texas each need one; 500 in Nevada does not.
func TestMediaNoticeIsOneDutyPerState(t *testing.T) {
	cat := loadTestCatalogue(t)
	res := Evaluate(cat, hipaaFacts("2025-03-03", "US-CA", 612, "US-NV", 500, "US-TX", 501, "CA-ON", 900), testOptions(t))
	want := map[string]struct {
		required bool
		count    int
		name     string
	}{
		"US-HIPAA-MEDIA@US-CA": {true, 612, "California"},
		"US-HIPAA-MEDIA@US-NV": {false, 500, "Nevada"},
		"US-HIPAA-MEDIA@US-TX": {true, 501, "Texas"},
	}
	got := 0
	for _, o := range res.Obligations {
		if o.Rule != "US-HIPAA-MEDIA" {
			continue
		}
		got++
		w, ok := want[o.Key()]
		if !ok {
			t.Errorf("unexpected media duty %s", o.Key())
			continue
		}
		if o.Required == nil || *o.Required != w.required || o.Count == nil || *o.Count != w.count || o.RegionName != w.name {
			t.Errorf("%s: required %v count %v region %q, want %v %d %q", o.Key(), boolText(o.Required), o.Count, o.RegionName, w.required, w.count, w.name)
		}
		if !strings.Contains(o.Recipient.Name, "serving "+w.name) {
			t.Errorf("%s: recipient %q does not name the State", o.Key(), o.Recipient.Name)
		}
		if w.required && (o.Due == nil || o.Due.Format("2006-01-02") != "2025-05-02") {
			t.Errorf("%s: due %v, want 2025-05-02", o.Key(), o.Due)
		}
	}
	if got != len(want) {
		t.Errorf("%d media duties, want one per US State with affected residents (%d); Ontario residents make none", got, len(want))
	}
	if o := findObligation(res, "US-HIPAA-MEDIA@US-NV"); o != nil && !strings.Contains(o.Explanation, "500 affected people in Nevada (the rule needs more than 500)") {
		t.Errorf("Nevada explanation: %s", o.Explanation)
	}
}

// TestHBNRMediaIsPerStateToo: 16 CFR 318.6 is modelled the same way.
func TestHBNRMediaIsPerStateToo(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("US-CA", "America/Los_Angeles", "phr_vendor"), Events: ev("discovered", "2024-08-05"),
		Affected: aff("US-CA", 700, "US-OR", 40), DataCategories: []string{"health"}}
	res := Evaluate(cat, f, testOptions(t))
	ca, or := findObligation(res, "US-FTC-HBNR-MEDIA@US-CA"), findObligation(res, "US-FTC-HBNR-MEDIA@US-OR")
	if ca == nil || or == nil || ca.Required == nil || !*ca.Required || or.Required == nil || *or.Required {
		t.Fatalf("California required and Oregon not: %+v %+v", ca, or)
	}
}

// TestPerRegionWithoutStates: with no affected State there is one duty
// saying why; with no counts at all it is undetermined.
func TestPerRegionWithoutStates(t *testing.T) {
	cat := loadTestCatalogue(t)
	o := findObligation(Evaluate(cat, hipaaFacts("2025-03-03", "CA-ON", 900), withScope(testOptions(t))), "US-HIPAA-MEDIA")
	if o == nil || o.Required == nil || *o.Required {
		t.Errorf("no US residents: %+v", o)
	}
	f := hipaaFacts("2025-03-03")
	f.Affected = nil
	o = findObligation(Evaluate(cat, f, testOptions(t)), "US-HIPAA-MEDIA")
	if o == nil || o.Required != nil {
		t.Errorf("no counts: want undetermined, got %+v", o)
	}
}

func withScope(o Options) Options {
	o.IncludeOutOfScope = true
	return o
}
