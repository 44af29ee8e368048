package rules

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/clock"
)

type refCase struct {
	ID       string        `json:"id"`
	Expected []refExpected `json:"expected"`
}

type refExpected struct {
	Regime      string  `json:"regime"`
	Recipient   string  `json:"recipient"`
	Required    *bool   `json:"required"`
	Due         *string `json:"due"`
	Alternative *struct {
		Due *string `json:"due"`
	} `json:"alternative"`
}

// caseRun is one evaluation of a reference case: the facts translated by
// hand, and which expected rows (by index) it answers, with the duty key.
type caseRun struct {
	facts  Facts
	checks map[int]string
}

func loadCases(t *testing.T) []refCase {
	t.Helper()
	var cases []refCase
	if err := json.Unmarshal(readTestdata(t, casesFile), &cases); err != nil {
		t.Fatalf("parse %s: %v", casesFile, err)
	}
	return cases
}

func testOptions(t testing.TB) Options {
	t.Helper()
	reg, err := clock.LoadDefault()
	if err != nil {
		t.Fatalf("calendars: %v", err)
	}
	return Options{Now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), Calendars: reg, InternalTarget: 72 * time.Hour}
}

func TestDeadlineCases(t *testing.T) {
	t.Parallel()
	cases := loadCases(t)
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	table := caseTable()
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			runs, ok := table[c.ID]
			if !ok {
				t.Fatalf("case %s has no facts mapping in the test table", c.ID)
			}
			covered := map[int]bool{}
			for _, run := range runs {
				res := Evaluate(cat, run.facts, opts)
				for idx, key := range run.checks {
					covered[idx] = true
					checkExpected(t, c.Expected[idx], key, res)
				}
			}
			for i := range c.Expected {
				if !covered[i] {
					t.Errorf("expected[%d] (%s, %s) is not checked by any run", i, c.Expected[i].Regime, c.Expected[i].Recipient)
				}
			}
		})
	}
}

func findObligation(res Result, key string) *Obligation {
	for i := range res.Obligations {
		if res.Obligations[i].Key() == key {
			return &res.Obligations[i]
		}
	}
	return nil
}

func checkExpected(t *testing.T, exp refExpected, key string, res Result) {
	t.Helper()
	o := findObligation(res, key)
	label := key + " (" + exp.Recipient + ")"
	if o == nil {
		t.Errorf("%s: no obligation in the result", label)
		return
	}
	if !sameBool(o.Required, exp.Required) {
		t.Errorf("%s: required = %s, want %s; explanation: %s", label, boolText(o.Required), boolText(exp.Required), o.Explanation)
	}
	checkInstant(t, label+" due", dateOf(o), exp.Due)
	if exp.Alternative != nil && exp.Alternative.Due != nil {
		var got *time.Time
		if o.Alternative != nil {
			got = o.Alternative.Due
		}
		checkInstant(t, label+" alternative", got, exp.Alternative.Due)
	}
}

// dateOf is the date the reference tables put in their "due" column: the
// deadline of a duty, the keep-until date of a retention record ("retain
// until at least"), the end of a permitted window, or the target date of a
// duty the statute gives no date.
func dateOf(o *Obligation) *time.Time {
	switch o.Kind {
	case KindRetention, KindPermitted:
		return o.Until
	case KindTarget:
		return o.InternalTarget
	}
	return o.Due
}

func checkInstant(t *testing.T, label string, got *time.Time, want *string) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Errorf("%s = %s, want none", label, got.Format(time.RFC3339))
		}
		return
	}
	w, err := time.Parse(time.RFC3339, *want)
	if err != nil {
		t.Fatalf("%s: bad expected instant %q", label, *want)
	}
	if got == nil {
		t.Errorf("%s = none, want %s", label, *want)
		return
	}
	_, gotOff := got.Zone()
	_, wantOff := w.Zone()
	if !got.Equal(w) || gotOff != wantOff {
		t.Errorf("%s = %s, want %s", label, got.Format(time.RFC3339), *want)
	}
}

func sameBool(a, b *bool) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func boolText(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}
