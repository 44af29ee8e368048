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
		return verdict{val: triUnknown, reasons: []string{e.vocab.p().countsNotGiven}, missing: []string{"affected"}}
	}
	cmp := comparisons[c.Op]
	if c.Each != "" {
		return c.evalEach(e, cmp)
	}
	n := e.f.count(e.vocab, c.In)
	ok := cmp(float64(n), float64(c.Value))
	say := e.vocab.p()
	where := say.inTotal
	if c.In != "*" {
		where = fmt.Sprintf(say.inRegion, e.vocab.RegionName(c.In))
	}
	msg := fmt.Sprintf(say.peopleWhere, e.vocab.people(n), where, say.opWords(c.Op, c.Value))
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
		name := e.vocab.RegionName(code)
		if cmp(float64(per[code]), float64(c.Value)) {
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf(e.vocab.p().peopleEachRegion, e.vocab.people(per[code]), name, e.vocab.p().opWords(c.Op, c.Value))}}
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, per[code]))
	}
	if len(parts) == 0 {
		parts = []string{fmt.Sprintf(e.vocab.p().noneIn, e.vocab.RegionName(c.Each))}
	}
	msg := fmt.Sprintf(e.vocab.p().noSingleRegion, e.vocab.RegionName(c.Each), e.vocab.p().opWords(c.Op, c.Value), strings.Join(parts, ", "))
	return verdict{val: triFalse, reasons: []string{msg}}
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
		label = q.Text
	}
	got, ok := e.f.Answers[a.ID]
	if (!ok || got == nil) && a.IfUnanswered != nil {
		res := a.test(a.IfUnanswered)
		return verdict{val: boolTri(res), reasons: []string{fmt.Sprintf(e.vocab.p().answerTakenAs, label, e.vocab.answerWord(a.IfUnanswered))}}
	}
	if !ok || got == nil {
		return verdict{val: triUnknown, reasons: []string{fmt.Sprintf(e.vocab.p().notAnswered, label)}, missing: []string{a.ID}}
	}
	res := a.test(got)
	return verdict{val: boolTri(res), reasons: []string{fmt.Sprintf(e.vocab.p().answerIs, label, upperFirst(e.vocab.answerWord(got)))}}
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

// answerWord prints an answer for people: yes/no, or an option by its
// label in the catalogue's language (in English its id with the
// underscores as spaces, "high risk").
func (v *Vocabulary) answerWord(a any) string {
	say := v.p()
	switch x := a.(type) {
	case bool:
		if x {
			return say.yes
		}
		return say.no
	case string:
		switch strings.ToLower(x) {
		case "true":
			return say.yes
		case "false":
			return say.no
		}
		return v.OptionLabel(x)
	}
	return fmt.Sprint(a)
}

// OptionLabel names an enum answer for people in the catalogue's
// language: its label, else the id with its underscores as spaces.
func (v *Vocabulary) OptionLabel(id string) string {
	if l, ok := v.OptionLabels[id]; ok {
		return l
	}
	return strings.ReplaceAll(id, "_", " ")
}
