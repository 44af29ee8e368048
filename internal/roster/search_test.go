package roster

import "testing"

// TestSearchTerm: a roster search matches what was typed anywhere in the
// field, ignoring case, with LIKE's wildcards taken literally.
func TestSearchTerm(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"  ":         "",
		"Alice":      "%alice%",
		"50%_off":    `%50\%\_off%`,
		`back\slash`: `%back\\slash%`,
		" EMP-7 ":    "%emp-7%",
	} {
		if got := searchTerm(in); got != want {
			t.Errorf("searchTerm(%q) = %q, want %q", in, got, want)
		}
	}
}
