package obligation

import (
	"strconv"
	"strings"

	"github.com/breachline/breachline/internal/rules"
)

// Terms exposes the regulation catalogue's vocabulary as the validators the
// breach and auth services consume (breach.Terms, auth.OrgTerms), so that a
// breach kind, clock event, answer, sector or role is valid exactly when
// the catalogue knows it.
type Terms struct {
	V *rules.Vocabulary
}

func has(terms []rules.Term, id string) bool {
	for _, t := range terms {
		if t.ID == id {
			return true
		}
	}
	return false
}

func ids(terms []rules.Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.ID
	}
	return out
}

// BreachKind reports whether id is a breach kind of the vocabulary.
func (t Terms) BreachKind(id string) bool { return has(t.V.Kinds, id) }

// ClockEvent reports whether id is a clock event of the vocabulary.
func (t Terms) ClockEvent(id string) bool { return has(t.V.Events, id) }

// DataCategory reports whether id is a data category of the vocabulary.
func (t Terms) DataCategory(id string) bool { return has(t.V.DataCategories, id) }

// Sector reports whether id is an organization sector of the vocabulary.
func (t Terms) Sector(id string) bool { return has(t.V.Sectors, id) }

// Role reports whether id is an organization role of the vocabulary.
func (t Terms) Role(id string) bool { return has(t.V.Roles, id) }

// Question reports whether id is an assessment or content question.
func (t Terms) Question(id string) bool {
	_, ok := t.question(id)
	return ok
}

func (t Terms) question(id string) (rules.Question, bool) {
	if q, ok := t.V.Question(id); ok {
		return q, true
	}
	return t.V.ContentQuestion(id)
}

// KindIDs lists the breach kinds.
func (t Terms) KindIDs() []string { return ids(t.V.Kinds) }

// EventIDs lists the clock events.
func (t Terms) EventIDs() []string { return ids(t.V.Events) }

// SectorIDs lists the sectors.
func (t Terms) SectorIDs() []string { return ids(t.V.Sectors) }

// RoleIDs lists the organization roles.
func (t Terms) RoleIDs() []string { return ids(t.V.Roles) }

// Unknown is the answer that records that nobody knows yet; it counts as
// unanswered when obligations are evaluated.
const Unknown = "unknown"

// CheckAnswer returns "" when value (as stored, a string) answers the
// question, else what a valid answer looks like.
func (t Terms) CheckAnswer(questionID, value string) string {
	q, ok := t.question(questionID)
	if !ok {
		return "unknown question"
	}
	if strings.EqualFold(value, Unknown) {
		return ""
	}
	if _, ok := typedAnswer(q, value); !ok {
		return answerWant(q)
	}
	return ""
}

func answerWant(q rules.Question) string {
	switch q.Type {
	case "bool":
		return "true or false (or unknown)"
	case "enum":
		return "one of " + strings.Join(q.Options, ", ") + " (or unknown)"
	case "number":
		return "a number (or unknown)"
	case "text":
		return "text"
	}
	return "an answer"
}

// typedAnswer converts a stored answer to the type the rules compare with:
// a bool, a number or an option; false when it is not a valid answer.
func typedAnswer(q rules.Question, value string) (any, bool) {
	v := strings.TrimSpace(value)
	switch q.Type {
	case "bool":
		switch strings.ToLower(v) {
		case "true", "yes":
			return true, true
		case "false", "no":
			return false, true
		}
		return nil, false
	case "number":
		n, err := strconv.ParseFloat(v, 64)
		return n, err == nil
	case "enum":
		for _, o := range q.Options {
			if o == v {
				return v, true
			}
		}
		return nil, false
	}
	return v, v != ""
}
