package breach

import (
	"regexp"
	"strings"
)

var identRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// vocab applies Terms, falling back to an identifier-shape check when the
// service was built without a vocabulary.
type vocab struct{ t Terms }

func (v vocab) kind(s string) bool {
	if v.t == nil {
		return identRe.MatchString(s)
	}
	return v.t.BreachKind(s)
}

func (v vocab) kindWant() string {
	if v.t == nil {
		return "a lower-case identifier"
	}
	return "one of " + strings.Join(v.t.KindIDs(), ", ")
}

func (v vocab) event(s string) bool {
	if contains(ProductEvents, s) {
		return true
	}
	if v.t == nil {
		return identRe.MatchString(s)
	}
	return v.t.ClockEvent(s)
}

func (v vocab) eventWant() string {
	if v.t == nil {
		return "a lower-case identifier"
	}
	return "one of " + strings.Join(append(v.t.EventIDs(), ProductEvents...), ", ")
}

// answer returns what is wrong with an answer, or "".
func (v vocab) answer(question, value string) string {
	if v.t == nil {
		return ""
	}
	return v.t.CheckAnswer(question, value)
}

func (v vocab) question(id string) bool { return v.t == nil || v.t.Question(id) }
