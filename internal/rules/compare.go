package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// comparisons are the operators a trigger may use; the catalogue spells
// the comparison out because ">= 500" and "> 500" are different laws.
var comparisons = map[string]func(a, b float64) bool{
	">=": func(a, b float64) bool { return a >= b },
	">":  func(a, b float64) bool { return a > b },
	"<=": func(a, b float64) bool { return a <= b },
	"<":  func(a, b float64) bool { return a < b },
	"==": func(a, b float64) bool { return a == b },
	"!=": func(a, b float64) bool { return a != b },
}

func (c *CountCond) eval(e *condEnv) verdict {
	if len(e.f.Affected) == 0 {
		return verdict{val: triUnknown, reasons: []string{"affected counts not given"}, missing: []string{"affected"}}
	}
	cmp := comparisons[c.Op]
	if c.Each != "" {
		return c.evalEach(e, cmp)
	}
	n := e.f.count(e.vocab, c.In)
	ok := cmp(float64(n), float64(c.Value))
	msg := fmt.Sprintf("%d affected in %s (test: %s %d)", n, regionLabel(c.In), c.Op, c.Value)
	return verdict{val: boolTri(ok), reasons: []string{msg}}
}

func (c *CountCond) evalEach(e *condEnv, cmp func(a, b float64) bool) verdict {
	per := e.f.perRegion(e.vocab, c.Each)
	codes := make([]string, 0, len(per))
	for code := range per {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	var parts []string
	for _, code := range codes {
		if cmp(float64(per[code]), float64(c.Value)) {
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf("%d affected in %s (test per region: %s %d)", per[code], code, c.Op, c.Value)}}
		}
		parts = append(parts, fmt.Sprintf("%s %d", code, per[code]))
	}
	if len(parts) == 0 {
		parts = []string{"none in " + c.Each}
	}
	msg := fmt.Sprintf("no single region in %s passes %s %d (%s)", c.Each, c.Op, c.Value, strings.Join(parts, ", "))
	return verdict{val: triFalse, reasons: []string{msg}}
}

func regionLabel(r string) string {
	if r == "*" {
		return "total"
	}
	return r
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func (a *AnswerCond) eval(e *condEnv) verdict {
	label := a.ID
	if q, ok := e.vocab.Question(a.ID); ok && q.Text != "" {
		label = fmt.Sprintf("%s (%s)", q.Text, a.ID)
	}
	got, ok := e.f.Answers[a.ID]
	if (!ok || got == nil) && a.IfUnanswered != nil {
		res := a.test(a.IfUnanswered)
		return verdict{val: boolTri(res), reasons: []string{fmt.Sprintf("%s unanswered, taken as %v", label, a.IfUnanswered)}}
	}
	if !ok || got == nil {
		return verdict{val: triUnknown, reasons: []string{"unanswered: " + label}, missing: []string{a.ID}}
	}
	res := a.test(got)
	return verdict{val: boolTri(res), reasons: []string{fmt.Sprintf("%s = %v", label, got)}}
}

func (a *AnswerCond) test(got any) bool {
	switch {
	case a.Op != "":
		n, ok := toNumber(got)
		return ok && a.Value != nil && comparisons[a.Op](n, *a.Value)
	case a.In != nil:
		for _, want := range a.In {
			if sameValue(got, want) {
				return true
			}
		}
		return false
	}
	return sameValue(got, a.Is)
}

// sameValue compares answers loosely: JSON and YAML decode the same value
// as different Go types (1 vs 1.0, "true" vs true).
func sameValue(a, b any) bool {
	if x, ok := toNumber(a); ok {
		if y, ok2 := toNumber(b); ok2 {
			return x == y
		}
	}
	return strings.EqualFold(fmt.Sprint(a), fmt.Sprint(b))
}

func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}
