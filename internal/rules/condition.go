package rules

import (
	"fmt"
	"strings"
)

// Cond is one node of the trigger language. Exactly one operator key is set
// per node; Say optionally replaces the generated explanation words.
type Cond struct {
	All []*Cond `yaml:"all"`
	Any []*Cond `yaml:"any"`
	Not *Cond   `yaml:"not"`

	// Sector / Role: the organization has at least one of these.
	Sector []string `yaml:"sector"`
	Role   []string `yaml:"role"`
	// Home: the organization is established in one of these regions.
	Home []string `yaml:"home"`
	// Kind / Data: the breach has at least one of these kinds / categories.
	Kind []string `yaml:"kind"`
	Data []string `yaml:"data"`
	// Event: this clock event (or "completed:KEY") has been recorded.
	Event string `yaml:"event"`
	// Affected: at least one affected person lives in one of these regions.
	Affected []string    `yaml:"affected"`
	Answer   *AnswerCond `yaml:"answer"`
	Count    *CountCond  `yaml:"count"`

	Say string `yaml:"say"`
}

// AnswerCond tests an assessment answer: equal to Is, one of In, or a
// numeric comparison Op Value. An unanswered question makes the node unknown.
type AnswerCond struct {
	ID string `yaml:"id"`
	// IfUnanswered is assumed when the question has no answer (for
	// exceptions that apply only when someone asserts them).
	IfUnanswered any      `yaml:"if_unanswered"`
	Is           any      `yaml:"is"`
	In           []any    `yaml:"in"`
	Op           string   `yaml:"op"`
	Value        *float64 `yaml:"value"`
}

// CountCond compares affected-people counts with an explicit operator.
// In sums every region inside a region (a total); Each tests every single
// region inside it separately and holds when any one region passes.
type CountCond struct {
	In    string `yaml:"in"`
	Each  string `yaml:"each"`
	Op    string `yaml:"op"`
	Value int    `yaml:"value"`
}

// tri is a three-valued truth: the facts may not decide a condition.
type tri int8

const (
	triFalse tri = iota
	triUnknown
	triTrue
)

// verdict is the outcome of evaluating a condition with its reasons.
type verdict struct {
	val     tri
	reasons []string
	missing []string
}

// condEnv is what conditions read.
type condEnv struct {
	f     *parsedFacts
	vocab *Vocabulary
}

func (c *Cond) eval(e *condEnv) verdict {
	v := c.evalRaw(e)
	if c.Say != "" && len(v.reasons) > 0 {
		prefix := ""
		if v.val == triFalse {
			prefix = "not: "
		} else if v.val == triUnknown {
			prefix = "unknown: "
		}
		v.reasons = []string{prefix + c.Say}
	}
	return v
}

func (c *Cond) evalRaw(e *condEnv) verdict {
	switch {
	case c.All != nil:
		return evalAll(c.All, e)
	case c.Any != nil:
		return evalAny(c.Any, e)
	case c.Not != nil:
		v := c.Not.eval(e)
		v.val = triTrue - v.val
		return v
	case c.Sector != nil:
		return listCond("organization sectors", e.f.Organization.Sectors, c.Sector)
	case c.Role != nil:
		return listCond("organization roles", e.f.Organization.Roles, c.Role)
	case c.Kind != nil:
		return listCond("breach kinds", e.f.Kinds, c.Kind)
	case c.Data != nil:
		return listCond("data categories", e.f.DataCategories, c.Data)
	case c.Home != nil:
		return homeCond(e, c.Home)
	case c.Event != "":
		return eventCond(e, c.Event)
	case c.Affected != nil:
		return affectedCond(e, c.Affected)
	case c.Answer != nil:
		return c.Answer.eval(e)
	case c.Count != nil:
		return c.Count.eval(e)
	}
	return verdict{val: triUnknown, reasons: []string{"empty condition"}}
}

func evalAll(list []*Cond, e *condEnv) verdict {
	out := verdict{val: triTrue}
	var unknown verdict
	for _, c := range list {
		v := c.eval(e)
		switch v.val {
		case triFalse:
			return verdict{val: triFalse, reasons: v.reasons}
		case triUnknown:
			unknown.reasons = append(unknown.reasons, v.reasons...)
			unknown.missing = append(unknown.missing, v.missing...)
			out.val = triUnknown
		default:
			out.reasons = append(out.reasons, v.reasons...)
		}
	}
	if out.val == triUnknown {
		unknown.val = triUnknown
		unknown.reasons = append(out.reasons, unknown.reasons...)
		return unknown
	}
	return out
}

func evalAny(list []*Cond, e *condEnv) verdict {
	out := verdict{val: triFalse}
	for _, c := range list {
		v := c.eval(e)
		switch v.val {
		case triTrue:
			return verdict{val: triTrue, reasons: v.reasons}
		case triUnknown:
			out.val = triUnknown
		}
		out.reasons = append(out.reasons, v.reasons...)
		out.missing = append(out.missing, v.missing...)
	}
	if out.val == triFalse {
		out.missing = nil
	}
	return out
}

func listCond(what string, have, want []string) verdict {
	if len(have) == 0 {
		return verdict{val: triUnknown, reasons: []string{what + " not given"}, missing: []string{fieldName(what)}}
	}
	if hit := intersects(have, want); len(hit) > 0 {
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf("%s include %s", what, strings.Join(hit, ", "))}}
	}
	return verdict{val: triFalse, reasons: []string{fmt.Sprintf("%s do not include any of %s", what, strings.Join(want, ", "))}}
}

// fieldName maps a list description to the facts field a user must fill.
func fieldName(what string) string {
	switch what {
	case "organization sectors":
		return "organization.sectors"
	case "organization roles":
		return "organization.roles"
	case "breach kinds":
		return "kinds"
	}
	return "data_categories"
}

func homeCond(e *condEnv, want []string) verdict {
	home := e.f.Organization.Home
	if home == "" {
		return verdict{val: triUnknown, reasons: []string{"organization home not given"}, missing: []string{"organization.home"}}
	}
	for _, w := range want {
		if e.vocab.InRegion(home, w) {
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf("organization is established in %s (%s)", home, w)}}
		}
	}
	return verdict{val: triFalse, reasons: []string{fmt.Sprintf("organization home %s is outside %s", home, strings.Join(want, ", "))}}
}

func eventCond(e *condEnv, id string) verdict {
	if t, ok := e.f.event(id); ok {
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf("%s recorded at %s", id, t.Format(timeLayout))}}
	}
	return verdict{val: triFalse, reasons: []string{id + " not recorded"}}
}

func affectedCond(e *condEnv, regions []string) verdict {
	if len(e.f.Affected) == 0 {
		return verdict{val: triUnknown, reasons: []string{"affected counts not given"}, missing: []string{"affected"}}
	}
	for _, r := range regions {
		if n := e.f.count(e.vocab, r); n > 0 {
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf("%d affected people in %s", n, r)}}
		}
	}
	return verdict{val: triFalse, reasons: []string{"no affected people in " + strings.Join(regions, ", ")}}
}
