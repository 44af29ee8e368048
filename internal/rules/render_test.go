package rules

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRenderJSONAndText(t *testing.T) {
	t.Parallel()
	cat := loadTestCatalogue(t)
	var f Facts
	input := `{"organization":{"roles":["controller"],"home":"DE","time_zone":"Europe/Berlin"},
	  "events":{"aware":"2025-10-24T10:00:00+02:00","bogus":"yesterday"},
	  "affected":[{"region":"DE","count":40000}],"answers":{"gdpr_risk":"risk"}}`
	if err := json.Unmarshal([]byte(input), &f); err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "events.bogus") {
		t.Errorf("Validate = %v, want an error naming events.bogus", err)
	}
	res := Evaluate(cat, f, testOptions(t))
	var js bytes.Buffer
	if err := WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	var shape struct {
		Obligations []map[string]any `json:"obligations"`
		Warnings    []string         `json:"warnings"`
	}
	if err := json.Unmarshal(js.Bytes(), &shape); err != nil {
		t.Fatal(err)
	}
	if len(shape.Obligations) == 0 || len(shape.Warnings) != 1 {
		t.Fatalf("want obligations and one warning, got %d / %v", len(shape.Obligations), shape.Warnings)
	}
	first := shape.Obligations[0]
	for _, k := range []string{"rule", "version", "jurisdiction", "recipient", "required", "due", "due_date", "explanation", "citation", "rule_status", "overdue"} {
		if _, ok := first[k]; !ok {
			t.Errorf("JSON obligation lacks %q", k)
		}
	}
	if first["rule"] != "EU-GDPR-SA" || first["due"] != "2025-10-27T09:00:00+01:00" {
		t.Errorf("first obligation = %v %v, want EU-GDPR-SA due 2025-10-27T09:00:00+01:00", first["rule"], first["due"])
	}
	var txt bytes.Buffer
	if err := WriteText(&txt, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"REQUIRED", "EU-GDPR-SA", "2025-10-27T09:00:00+01:00", "not required  EU-GDPR-DS", "warning: events.bogus"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, txt.String())
		}
	}
}

// TestOutputCarriesNotesAndStatus: a rule's notes can hold a duty of their
// own and its status note says what is unverified; both reach the text and
// the JSON a reviewer reads, with the kind of duty.
func TestOutputCarriesNotesAndStatus(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("CA-ON", "America/Toronto", "hic"), Events: ev("agent_action", "2026-03-02"),
		Affected: aff("CA-ON", 3)}
	res := Evaluate(cat, f, testOptions(t))
	college := findObligation(res, "ON-PHIPA-COLLEGE")
	if college == nil || college.StatusNote == "" {
		t.Fatalf("ON-PHIPA-COLLEGE without its status note: %+v", college)
	}
	rec := Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("determined", "2026-02-16"), Affected: aff("CA-ON", 3)}
	res.Obligations = append(res.Obligations, Evaluate(cat, rec, testOptions(t)).Obligations...)
	pipeda := findObligation(res, "CA-PIPEDA-REC")
	var txt, js bytes.Buffer
	if err := WriteText(&txt, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"status:   " + college.StatusNote, "notes:    " + pipeda.Notes, "KEEP RECORD   CA-PIPEDA-REC",
		"keep until: 2028-02-16T23:59:59-05:00 (never overdue)"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
	for _, want := range []string{`"status_note": ` + quote(college.StatusNote), `"notes": ` + quote(pipeda.Notes), `"kind": "retention"`, `"until": "2028-02-16T23:59:59-05:00"`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
