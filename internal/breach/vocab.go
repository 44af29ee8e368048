package breach

import (
	"strings"
)

// vocab applies the catalogue's Terms.
type vocab struct{ t Terms }

func (v vocab) kind(s string) bool { return v.t.BreachKind(s) }

func (v vocab) kindWant() string { return "one of " + strings.Join(v.t.KindIDs(), ", ") }

func (v vocab) event(s string) bool { return contains(ProductEvents, s) || v.t.ClockEvent(s) }

func (v vocab) eventWant() string {
	return "one of " + strings.Join(append(v.t.EventIDs(), ProductEvents...), ", ")
}

// answer returns what is wrong with an answer, or "".
func (v vocab) answer(question, value string) string { return v.t.CheckAnswer(question, value) }

func (v vocab) question(id string) bool { return v.t.Question(id) }
