package rules

import (
	"fmt"
	"strings"
)

// cond checks one trigger node and its children: one operator per node,
// known names, valid comparisons and regions.
func (v *ruleValidator) cond(field string, c *Cond) {
	if c == nil {
		return
	}
	ops := c.operators()
	if len(ops) != 1 {
		v.fail(field, "a condition needs exactly one operator, has %d (%s)", len(ops), strings.Join(ops, ", "))
		return
	}
	voc := &v.cat.Vocabulary
	switch ops[0] {
	case "all", "any":
		list := c.All
		if ops[0] == "any" {
			list = c.Any
		}
		if len(list) == 0 {
			v.fail(field+"."+ops[0], "empty list")
		}
		for i, sub := range list {
			v.cond(fmt.Sprintf("%s.%s[%d]", field, ops[0], i), sub)
		}
	case "not":
		v.cond(field+".not", c.Not)
	case "sector":
		v.terms(field+".sector", c.Sector, voc.Sectors, "sector")
	case "role":
		v.terms(field+".role", c.Role, voc.Roles, "role")
	case "kind":
		v.terms(field+".kind", c.Kind, voc.Kinds, "breach kind")
	case "data":
		v.terms(field+".data", c.Data, voc.DataCategories, "data category")
	case "home", "affected":
		list := c.Home
		if ops[0] == "affected" {
			list = c.Affected
		}
		v.regions(field+"."+ops[0], list)
	case "event":
		v.event(field+".event", c.Event)
	case "answer":
		v.answer(field+".answer", c.Answer)
	case "count":
		v.count(field+".count", c.Count)
	}
}

func (c *Cond) operators() []string {
	var ops []string
	add := func(set bool, name string) {
		if set {
			ops = append(ops, name)
		}
	}
	add(c.All != nil, "all")
	add(c.Any != nil, "any")
	add(c.Not != nil, "not")
	add(c.Sector != nil, "sector")
	add(c.Role != nil, "role")
	add(c.Home != nil, "home")
	add(c.Kind != nil, "kind")
	add(c.Data != nil, "data")
	add(c.Event != "", "event")
	add(c.Affected != nil, "affected")
	add(c.Answer != nil, "answer")
	add(c.Count != nil, "count")
	return ops
}

func (v *ruleValidator) terms(field string, list []string, terms []Term, what string) {
	if len(list) == 0 {
		v.fail(field, "empty list")
	}
	for i, s := range list {
		if !hasTerm(terms, s) {
			v.fail(fmt.Sprintf("%s[%d]", field, i), "unknown %s %q", what, s)
		}
	}
}

func (v *ruleValidator) regions(field string, list []string) {
	if len(list) == 0 {
		v.fail(field, "empty list")
	}
	for i, s := range list {
		if !v.cat.Vocabulary.validRegion(s) {
			v.fail(fmt.Sprintf("%s[%d]", field, i), "unknown region %q", s)
		}
	}
}

func (v *ruleValidator) answer(field string, a *AnswerCond) {
	q, ok := v.cat.Vocabulary.Question(a.ID)
	if !ok {
		v.fail(field+".id", "unknown question %q", a.ID)
		return
	}
	if !v.ruleLists(a.ID) {
		v.fail(field+".id", "question %q is used but not listed in the rule's questions", a.ID)
	}
	modes := 0
	for _, set := range []bool{a.Is != nil, a.In != nil, a.Op != ""} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		v.fail(field, "needs exactly one of is, in, op")
		return
	}
	if a.Op != "" {
		if _, ok := comparisons[a.Op]; !ok {
			v.fail(field+".op", "unknown comparison %q", a.Op)
		}
		if a.Value == nil {
			v.fail(field+".value", "missing")
		}
		if q.Type != "number" {
			v.fail(field+".op", "question %q is %s, not number", a.ID, q.Type)
		}
		return
	}
	vals := a.In
	if a.Is != nil {
		vals = []any{a.Is}
	}
	for _, val := range vals {
		v.answerValue(field, q, val)
	}
}

func (v *ruleValidator) answerValue(field string, q Question, val any) {
	switch q.Type {
	case "bool":
		if _, ok := val.(bool); !ok {
			v.fail(field, "question %q is bool; %v is not", q.ID, val)
		}
	case "enum":
		if !contains(q.Options, fmt.Sprint(val)) {
			v.fail(field, "question %q has no option %v", q.ID, val)
		}
	case "number":
		if _, ok := toNumber(val); !ok {
			v.fail(field, "question %q is a number; %v is not", q.ID, val)
		}
	default:
		v.fail(field, "question %q has unknown type %q", q.ID, q.Type)
	}
}

func (v *ruleValidator) ruleLists(id string) bool {
	return contains(v.r.Questions, id)
}

func (v *ruleValidator) count(field string, c *CountCond) {
	if (c.In == "") == (c.Each == "") {
		v.fail(field, "needs exactly one of in (a total) or each (per region)")
	}
	if _, ok := comparisons[c.Op]; !ok {
		v.fail(field+".op", "unknown comparison %q (use >=, >, <=, <, ==, !=)", c.Op)
	}
	for _, r := range []string{c.In, c.Each} {
		if r != "" && !v.cat.Vocabulary.validRegion(r) {
			v.fail(field, "unknown region %q", r)
		}
	}
}

func cutCompleted(id string) (string, bool) {
	return strings.CutPrefix(id, "completed:")
}
