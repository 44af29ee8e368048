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
