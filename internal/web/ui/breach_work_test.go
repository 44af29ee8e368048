package ui

import (
	"testing"

	"github.com/breachline/breachline/internal/rules"
)

// TestLocalInstant: a datetime-local value is read in the zone given,
// summer or winter; what cannot be read is passed on for the service to
// refuse with its field.
func TestLocalInstant(t *testing.T) {
	for _, c := range []struct{ value, zone, want string }{
		{"2025-10-24T10:00", "America/Toronto", "2025-10-24T10:00:00-04:00"},
		{"2025-12-24T10:00", "America/Toronto", "2025-12-24T10:00:00-05:00"},
		{"2025-10-24T10:00:30", "Europe/Paris", "2025-10-24T10:00:30+02:00"},
		{"2025-10-24T10:00", "Mars/Olympus", "2025-10-24T10:00"},
		{"yesterday", "UTC", "yesterday"},
		{" ", "UTC", ""},
	} {
		if got := localInstant(c.value, c.zone); got != c.want {
			t.Errorf("localInstant(%q, %q) = %q, want %q", c.value, c.zone, got, c.want)
		}
	}
}

// TestReadEstimates: rows pair a region with its count; blank rows are
// skipped, what was typed is kept for the form, and a count that is not a
// whole number is passed as -1 for the service to refuse.
func TestReadEstimates(t *testing.T) {
	est, rows := readEstimates([]string{" ca-on ", "", "DE", "US-TX"}, []string{"1 200", "", "x", "5"})
	if len(est) != 3 || est["CA-ON"] != 1200 || est["DE"] != -1 || est["US-TX"] != 5 {
		t.Fatalf("estimates: %v", est)
	}
	if len(rows) != 3+blankEstimates || rows[0].Region != "ca-on" || rows[1].People != "x" || rows[4].N != 4 {
		t.Fatalf("rows: %+v", rows)
	}
}

// TestFormErrorFields: the intake's first event is the form's event, an
// estimate's field is the estimates', and a problem belongs to one form.
func TestFormErrorFields(t *testing.T) {
	if normalField("events[0].zone") != "event.zone" || fieldGroup("estimates.CA-ON") != "estimates" || fieldGroup("event.at") != "event_at" {
		t.Fatal("field names")
	}
	var none *formError
	if none.Field("add", "zone") != "" || none.For("add") {
		t.Fatal("no problem has no field")
	}
	f := &formError{pageProblem: &pageProblem{Fields: map[string]string{"event.zone": "bad"}}, Form: "add"}
	if f.Field("add", "event.zone") != "bad" || f.Field("corrected-1", "event.zone") != "" {
		t.Fatal("a problem belongs to its form only")
	}
}

// TestBoolWord: a yes-or-no answer given either way is shown the same.
func TestBoolWord(t *testing.T) {
	yn := rules.Question{Type: "bool"}
	if boolWord(yn, "Yes") != "true" || boolWord(yn, "no") != "false" || boolWord(yn, "unknown") != "unknown" ||
		boolWord(rules.Question{Type: "text"}, "yes") != "yes" {
		t.Fatal("yes-or-no answers")
	}
}
