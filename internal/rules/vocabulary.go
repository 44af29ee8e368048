package rules

import (
	"fmt"
	"strings"
)

// Vocabulary is the closed set of names a catalogue may use: clock events,
// questions, sectors, roles, data categories, breach kinds and region
// groups. It lives in config/regulations/vocabulary.yaml.
type Vocabulary struct {
	Events    []Term     `yaml:"events"`
	Questions []Question `yaml:"questions"`
	// ContentQuestions are facts a filing or notice prints (how the breach
	// was discovered, the steps taken to prevent another) that no rule's
	// trigger reads: free text or numbers, answered like the questions.
	ContentQuestions []Question          `yaml:"content_questions"`
	Sectors          []Term              `yaml:"sectors"`
	Roles            []Term              `yaml:"roles"`
	DataCategories   []Term              `yaml:"data_categories"`
	Kinds            []Term              `yaml:"kinds"`
	RegionGroups     map[string][]string `yaml:"region_groups"`
	// ContentFields say where each content item a rule asks for is found
	// when a filing or notice is built: the one map from a rule's content
	// ids to document fields.
	ContentFields []ContentFieldMap `yaml:"content_fields"`
	// RegionNames names region codes and groups for explanations.
	RegionNames map[string]string `yaml:"region_names"`
	// OptionLabels names enum answers in the catalogue's language; empty
	// in English, where an option is its id with spaces.
	OptionLabels map[string]string `yaml:"-"`
	// CalendarNames translates business-day calendar names (English, as
	// config/calendars names them) into the catalogue's language.
	CalendarNames map[string]string `yaml:"-"`
	// say holds the fixed words of explanations in the catalogue's language.
	say *phrases
}

// calendarName names a business-day calendar in the catalogue's language.
func (v *Vocabulary) calendarName(english string) string {
	if n, ok := v.CalendarNames[english]; ok {
		return n
	}
	return english
}

// p returns the phrases of the vocabulary's language.
func (v *Vocabulary) p() *phrases {
	if v.say == nil {
		return englishPhrases
	}
	return v.say
}

// ContentFieldMap maps a rule content id to a document field: org.*,
// report.*, breach.* (the report package's field keys) or answer:ID, the
// answer to the question of that id.
type ContentFieldMap struct {
	ID    string `yaml:"id" json:"id"`
	Field string `yaml:"field" json:"field"`
}

// ContentField returns the document field of a rule content id.
func (v *Vocabulary) ContentField(id string) (string, bool) {
	for _, m := range v.ContentFields {
		if m.ID == id {
			return m.Field, true
		}
	}
	return "", false
}

// Term is a named vocabulary entry. Name, when set, is the phrase an
// explanation uses ("an enterprise under Québec's private-sector Act", "discovery");
// Label describes the term in lists.
type Term struct {
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name,omitempty"`
	Label string `yaml:"label" json:"label"`
}

// phrase is how an explanation names a term: its Name, else its Label,
// else its id.
func phrase(terms []Term, id string) string {
	for _, t := range terms {
		if t.ID == id {
			switch {
			case t.Name != "":
				return t.Name
			case t.Label != "":
				return t.Label
			}
		}
	}
	return id
}

// RegionName names a region code or group for people ("California" for
// US-CA); a code without a name is returned as it is.
func (v *Vocabulary) RegionName(code string) string {
	if n, ok := v.RegionNames[code]; ok {
		return n
	}
	return code
}

// EventName names a clock event for explanations ("discovery").
func (v *Vocabulary) EventName(id string) string {
	if key, ok := cutCompleted(id); ok {
		return fmt.Sprintf(v.p().filingOf, key)
	}
	return phrase(v.Events, id)
}

// Question is an assessment question a rule may need answered.
type Question struct {
	ID   string `yaml:"id" json:"id"`
	Text string `yaml:"text" json:"text"`
	// Type is "bool", "enum" (one of Options) or "number"; content
	// questions are "text" or "number".
	Type    string   `yaml:"type" json:"type"`
	Options []string `yaml:"options" json:"options,omitempty"`
	Help    string   `yaml:"help" json:"help,omitempty"`
}

// Question returns the question with this id.
func (v *Vocabulary) Question(id string) (Question, bool) {
	for _, q := range v.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// ContentQuestion returns the content question with this id.
func (v *Vocabulary) ContentQuestion(id string) (Question, bool) {
	for _, q := range v.ContentQuestions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

func hasTerm(terms []Term, id string) bool {
	for _, t := range terms {
		if t.ID == id {
			return true
		}
	}
	return false
}

// HasEvent reports whether id is a known clock event.
func (v *Vocabulary) HasEvent(id string) bool { return hasTerm(v.Events, id) }

// InRegion reports whether region code (e.g. "US-TX", "DE") lies inside
// target: the same code, a subdivision of it ("US-TX" in "US"), a member of
// a region group ("DE" in "EU"), or anything when target is "*".
func (v *Vocabulary) InRegion(code, target string) bool {
	return v.inRegion(code, target, 0)
}

func (v *Vocabulary) inRegion(code, target string, depth int) bool {
	if target == "*" || code == target {
		return true
	}
	if len(code) > len(target) && code[len(target)] == '-' && strings.HasPrefix(code, target) {
		return true
	}
	members, ok := v.RegionGroups[target]
	if !ok || depth > 4 {
		return false
	}
	for _, m := range members {
		if v.inRegion(code, m, depth+1) {
			return true
		}
	}
	return false
}

// validRegion reports whether target names a region the vocabulary can
// match: a group, "*", or a code shaped like "US", "US-TX".
func (v *Vocabulary) validRegion(target string) bool {
	if target == "*" {
		return true
	}
	if _, ok := v.RegionGroups[target]; ok {
		return true
	}
	country, sub, _ := strings.Cut(target, "-")
	return len(country) == 2 && strings.ToUpper(country) == country && len(sub) <= 3
}

// checkQuestions rejects duplicate ids and types a question cannot have:
// rules decide only on bool, enum and number answers; content questions are
// text or number.
func (v *Vocabulary) checkQuestions() error {
	seen := map[string]bool{}
	check := func(list []Question, section string, types ...string) error {
		for i, q := range list {
			if q.ID == "" || seen[q.ID] {
				return fmt.Errorf("%s[%d]: missing or duplicate id %q", section, i, q.ID)
			}
			seen[q.ID] = true
			ok := false
			for _, t := range types {
				ok = ok || q.Type == t
			}
			if !ok {
				return fmt.Errorf("%s[%d] (%s): type %q, want one of %s", section, i, q.ID, q.Type, strings.Join(types, ", "))
			}
		}
		return nil
	}
	if err := check(v.Questions, "questions", "bool", "enum", "number"); err != nil {
		return err
	}
	return check(v.ContentQuestions, "content_questions", "text", "number")
}
