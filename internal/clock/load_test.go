package clock

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const okHeader = "name: Test\nstatus: verified\nsource: test\n"

func TestLoadErrorsNameFileAndField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"bad weekday", map[string]string{"X.yaml": okHeader + "holidays:\n  - {name: A, weekday: mon, month: 1, nth: 1}\n"},
			[]string{"cal/X.yaml", "holidays[0].weekday", `"mon"`}},
		{"unknown field", map[string]string{"X.yaml": okHeader + "holidays:\n  - {name: A, fixd: \"01-01\"}\n"},
			[]string{"cal/X.yaml", "fixd"}},
		{"two selectors", map[string]string{"X.yaml": okHeader + "holidays:\n  - {name: A, fixed: \"01-01\", easter: 1}\n"},
			[]string{"cal/X.yaml", "holidays[0]", "exactly one"}},
		{"bad month-day", map[string]string{"X.yaml": okHeader + "holidays:\n  - {name: A, fixed: \"02-30\"}\n"},
			[]string{"cal/X.yaml", "holidays[0].fixed"}},
		{"bad observance", map[string]string{"X.yaml": okHeader + "holidays:\n  - {name: A, fixed: \"01-01\", observe: [sat-sun]}\n"},
			[]string{"cal/X.yaml", "holidays[0].observe[0]"}},
		{"missing name", map[string]string{"X.yaml": okHeader + "holidays:\n  - {fixed: \"01-01\"}\n"},
			[]string{"cal/X.yaml", "holidays[0].name"}},
		{"bad status", map[string]string{"X.yaml": "name: T\nstatus: maybe\nsource: s\n"},
			[]string{"cal/X.yaml", "status"}},
		{"no source", map[string]string{"X.yaml": "name: T\nstatus: verified\n"},
			[]string{"cal/X.yaml", "source"}},
		{"bad closure", map[string]string{"X.yaml": okHeader + "closures:\n  - {date: \"2025-13-01\", name: C}\n"},
			[]string{"cal/X.yaml", "closures[0].date"}},
		{"unknown parent", map[string]string{"X.yaml": okHeader + "extends: NOPE\n"},
			[]string{"cal/X.yaml", "extends", "NOPE"}},
		{"cycle", map[string]string{"A.yaml": okHeader + "extends: B\n", "B.yaml": okHeader + "extends: A\n"},
			[]string{"cycle", "A -> B -> A"}},
		{"all week off", map[string]string{"X.yaml": okHeader + "weekend: [saturday, sunday]\nevery_week: [monday, tuesday, wednesday, thursday, friday]\n"},
			[]string{"cal/X.yaml", "every_week"}},
		{"no files", map[string]string{}, []string{"no .yaml files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range tt.files {
				fsys["cal/"+name] = &fstest.MapFile{Data: []byte(body)}
			}
			_, err := Load(fsys, "cal")
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadExtendsAndWeekend(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"c/BASE.yaml": {Data: []byte(okHeader + "holidays:\n  - {name: Day One, fixed: \"01-02\"}\nclosures:\n  - {date: 2025-03-03, name: Shut, source: memo}\n")},
		"c/CHILD.yaml": {Data: []byte("name: Child\nstatus: unverified\nsource: s\nextends: BASE\nweekend: [friday, saturday]\n" +
			"holidays:\n  - {name: Ascension, easter: 39}\n  - {name: Feast, weekday: saturday, after: \"06-19\"}\n" +
			"  - {name: Brigid, weekday: monday, month: 2, nth: 1, friday_date: \"02-01\"}\n")},
		"c/README.md": {Data: []byte("ignored")},
	}
	reg, err := Load(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	if ids := strings.Join(reg.IDs(), ","); ids != "BASE,CHILD" {
		t.Errorf("IDs = %s", ids)
	}
	child := mustCalendar(t, reg, "CHILD")
	for _, s := range []string{"2025-01-02", "2025-03-03", "2025-05-29", "2025-06-21", "2025-02-03", "2030-02-01"} {
		if _, ok := child.Holiday(mustDate(t, s)); !ok {
			t.Errorf("CHILD: %s should be a holiday", s)
		}
	}
	if _, ok := child.Holiday(mustDate(t, "2030-02-04")); ok {
		t.Error("Brigid: 2030-02-04 should give way to Friday 2030-02-01")
	}
	// Friday/Saturday weekend: Sunday is a business day.
	if !child.IsBusinessDay(mustDate(t, "2025-01-05")) || child.IsBusinessDay(mustDate(t, "2025-01-03")) {
		t.Error("custom weekend not applied")
	}
	if d := mustDate(t, "2025-01-03"); d.Weekday() != time.Friday {
		t.Fatalf("fixture: %s is a %s", d, d.Weekday())
	}
	_, err = reg.Calendar("MISSING")
	if !errors.Is(err, ErrUnknownCalendar) || !strings.Contains(err.Error(), "MISSING") {
		t.Errorf("Calendar(MISSING) error = %v", err)
	}
}
