package rules

import (
	"fmt"
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
	// SayNot replaces the words when the condition is false.
	SayNot string `yaml:"say_not"`
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
	if c.Say == "" || len(v.reasons) == 0 {
		return v
	}
	switch v.val {
	case triFalse:
		if c.SayNot != "" {
			v.reasons = []string{c.SayNot}
		} else {
			v.reasons = []string{fmt.Sprintf(e.vocab.p().notEstablished, c.Say)}
		}
	case triUnknown:
		v.reasons = []string{fmt.Sprintf(e.vocab.p().notYetKnown, c.Say)}
	default:
		v.reasons = []string{c.Say}
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
		return listCond(sectorWords(e.vocab), e.f.Organization.Sectors, c.Sector)
	case c.Role != nil:
		return listCond(roleWords(e.vocab), e.f.Organization.Roles, c.Role)
	case c.Kind != nil:
		return listCond(kindWords(e.vocab), e.f.Kinds, c.Kind)
	case c.Data != nil:
		return listCond(dataWords(e.vocab), e.f.DataCategories, c.Data)
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
	return verdict{val: triUnknown, reasons: []string{e.vocab.p().emptyCondition}}
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

func listCond(w listWords, have, want []string) verdict {
	if len(have) == 0 {
		return verdict{val: triUnknown, reasons: []string{w.notGiven}, missing: []string{w.field}}
	}
	if hit := intersects(have, want); len(hit) > 0 {
		return verdict{val: triTrue, reasons: []string{w.yes(w.names(hit), hit)}}
	}
	return verdict{val: triFalse, reasons: []string{w.no(w.names(want))}}
}

func homeCond(e *condEnv, want []string) verdict {
	home := e.f.Organization.Home
	if home == "" {
		return verdict{val: triUnknown, reasons: []string{e.vocab.p().homeNotGiven}, missing: []string{"organization.home"}}
	}
	where := e.vocab.RegionName(home)
	for _, w := range want {
		if e.vocab.InRegion(home, w) {
			if w == home {
				return verdict{val: triTrue, reasons: []string{fmt.Sprintf(e.vocab.p().establishedIn, where)}}
			}
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf(e.vocab.p().establishedInGroup, where, e.vocab.RegionName(w))}}
		}
	}
	return verdict{val: triFalse, reasons: []string{fmt.Sprintf(e.vocab.p().establishedOutside, where, e.vocab.regionList(want, e.vocab.p().and))}}
}

func eventCond(e *condEnv, id string) verdict {
	name := e.vocab.EventName(id)
	if t, ok := e.f.event(id); ok {
		return verdict{val: triTrue, reasons: []string{fmt.Sprintf(e.vocab.p().eventRecorded, name, t.Format(timeLayout))}}
	}
	return verdict{val: triFalse, reasons: []string{fmt.Sprintf(e.vocab.p().eventNotRecorded, name)}}
}

func affectedCond(e *condEnv, regions []string) verdict {
	if len(e.f.Affected) == 0 {
		return verdict{val: triUnknown, reasons: []string{e.vocab.p().countsNotGiven}, missing: []string{"affected"}}
	}
	for _, r := range regions {
		if n := e.f.count(e.vocab, r); n > 0 {
			return verdict{val: triTrue, reasons: []string{fmt.Sprintf(e.vocab.p().peopleIn, e.vocab.people(n), e.vocab.RegionName(r))}}
		}
	}
	return verdict{val: triFalse, reasons: []string{fmt.Sprintf(e.vocab.p().noPeopleIn, e.vocab.regionList(regions, e.vocab.p().or))}}
}
