package rules

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func loadTestCatalogue(t testing.TB) *Catalogue {
	t.Helper()
	cat, err := Load(os.DirFS("../../config/regulations"))
	if err != nil {
		t.Fatalf("load catalogue: %v", err)
	}
	return cat
}

func TestLoadCatalogue(t *testing.T) {
	t.Parallel()
	cat := loadTestCatalogue(t)
	if len(cat.Keys()) < 10 {
		t.Fatalf("only %d duties loaded", len(cat.Keys()))
	}
	def, err := LoadDefault()
	if err != nil {
		t.Fatalf("embedded catalogue: %v", err)
	}
	if len(def.Rules) != len(cat.Rules) {
		t.Errorf("embedded catalogue has %d rules, disk has %d", len(def.Rules), len(cat.Rules))
	}
}

func TestLoadRejectsBadRules(t *testing.T) {
	t.Parallel()
	vocab, err := os.ReadFile("../../config/regulations/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := `family: t
rules:
  - id: X-1
    version: "1"
    jurisdiction: CA
    recipient: {kind: regulator, name: R}
    citation: c
    status: verified
`
	cases := map[string]struct{ extra, want string }{
		"unknown question": {"    trigger: {answer: {id: nope, is: true}}\n    clock: {anchor: aware, none: true, standard: s}\n", `trigger.answer.id: unknown question "nope"`},
		"bad comparison":   {"    trigger: {count: {in: US-TX, op: \"=>\", value: 250}}\n    clock: {anchor: aware, none: true, standard: s}\n", `trigger.count.op: unknown comparison "=>"`},
		"two operators":    {"    trigger: {role: [hic], kind: [theft]}\n    clock: {anchor: aware, none: true, standard: s}\n", "exactly one operator"},
		"unknown event":    {"    clock: {anchor: landed, hours: 72}\n", `clock.anchor: unknown event "landed"`},
		"no calendar":      {"    clock: {anchor: aware, business_days: 4}\n", "business_days needs a calendar"},
		"no standard":      {"    clock: {anchor: aware, none: true}\n", "statutory words"},
		"two periods":      {"    clock: {anchor: aware, hours: 72, calendar_days: 3}\n", "exactly one of"},
		"bad status":       {"    clock: {anchor: aware, hours: 72}\n", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := base + tc.extra
			if name == "bad status" {
				doc = strings.Replace(doc, "status: verified", "status: V", 1)
				tc.want = `status: "V" is not verified`
			}
			fsys := fstest.MapFS{
				"vocabulary.yaml": {Data: vocab},
				"t.yaml":          {Data: []byte(doc)},
			}
			_, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "rule X-1") {
				t.Fatalf("error = %v, want it to name rule X-1 and contain %q", err, tc.want)
			}
		})
	}
}

func TestCatalogueCalendarsExist(t *testing.T) {
	t.Parallel()
	cat := loadTestCatalogue(t)
	if err := cat.CheckCalendars(testOptions(t).Calendars); err != nil {
		t.Fatalf("catalogue names calendars the registry lacks: %v", err)
	}
}
