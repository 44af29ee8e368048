package rules

import (
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"

	configdata "github.com/breachline/breachline/config"
)

// The French catalogue has a translation for every text of the English
// one and none for a text it no longer has (LoadLang refuses both), and its
// rules are the same rules.
func TestFrenchCatalogueMatchesTheEnglish(t *testing.T) {
	t.Parallel()
	en := loadTestCatalogue(t)
	fr, err := LoadDefaultLang("fr")
	if err != nil {
		t.Fatalf("French catalogue: %v", err)
	}
	if fr.Lang() != "fr" || en.Lang() != "en" {
		t.Fatalf("languages: %q %q", en.Lang(), fr.Lang())
	}
	if len(fr.Rules) != len(en.Rules) {
		t.Fatalf("%d French rules, %d English", len(fr.Rules), len(en.Rules))
	}
	same := 0
	for i, r := range en.Rules {
		f := fr.Rules[i]
		if f.Key() != r.Key() || f.Version != r.Version || f.Citation != r.Citation || f.EffectiveFrom != r.EffectiveFrom ||
			!reflect.DeepEqual(f.Clock.Hours, r.Clock.Hours) || !reflect.DeepEqual(f.Clock.CalendarDays, r.Clock.CalendarDays) {
			t.Errorf("rule %s (%s) differs in more than its words", r.Key(), r.Version)
		}
		if f.Recipient.Name == r.Recipient.Name {
			same++ // a body's own name (Federal Trade Commission) stays as it is
		}
	}
	if same > len(en.Rules)/10 {
		t.Errorf("%d of %d recipients read the same in French", same, len(en.Rules))
	}
	for _, q := range en.Vocabulary.Questions {
		for _, o := range q.Options {
			if fr.Vocabulary.OptionLabel(o) == en.Vocabulary.OptionLabel(o) {
				t.Errorf("question %s: option %s has no French label", q.ID, o)
			}
		}
	}
}

// Every reference case evaluates to the same decisions and dates on the
// French catalogue as on the English one: the translation changes words,
// never a duty.
func TestFrenchEvaluationDecidesTheSame(t *testing.T) {
	t.Parallel()
	en := loadTestCatalogue(t)
	fr, err := LoadDefaultLang("fr")
	if err != nil {
		t.Fatalf("French catalogue: %v", err)
	}
	opts := testOptions(t)
	runs := 0
	for id, list := range caseTable() {
		for _, run := range list {
			a, b := Evaluate(en, run.facts, opts), Evaluate(fr, run.facts, opts)
			if len(a.Obligations) != len(b.Obligations) {
				t.Fatalf("case %s: %d obligations in English, %d in French", id, len(a.Obligations), len(b.Obligations))
			}
			for i := range a.Obligations {
				compareDecision(t, id, &a.Obligations[i], &b.Obligations[i])
			}
			runs++
		}
	}
	if runs < 20 {
		t.Fatalf("only %d runs compared", runs)
	}
}

func compareDecision(t *testing.T, id string, a, b *Obligation) {
	t.Helper()
	if a.Key() != b.Key() || !sameBool(a.Applies, b.Applies) || !sameBool(a.Required, b.Required) ||
		!reflect.DeepEqual(a.Due, b.Due) || !reflect.DeepEqual(a.Until, b.Until) ||
		!reflect.DeepEqual(a.Missing, b.Missing) || len(a.Alternatives) != len(b.Alternatives) ||
		len(a.Provisions) != len(b.Provisions) || a.SatisfiedBy != b.SatisfiedBy {
		t.Errorf("case %s, %s: the French evaluation decides differently", id, a.Key())
		return
	}
	if a.Explanation == b.Explanation {
		t.Errorf("case %s, %s: explanation not translated: %q", id, a.Key(), a.Explanation)
	}
	for _, w := range []string{"Applies:", "Due ", "Does not apply", "calendar days", "business days", "not required", "is recorded", "affected people"} {
		if strings.Contains(b.Explanation, w) || strings.Contains(b.Standard, w) {
			t.Errorf("case %s, %s: English %q in the French words: %q / %q", id, a.Key(), w, b.Explanation, b.Standard)
		}
	}
	for i := range a.Alternatives {
		if !reflect.DeepEqual(a.Alternatives[i].Due, b.Alternatives[i].Due) || !sameBool(a.Alternatives[i].Required, b.Alternatives[i].Required) {
			t.Errorf("case %s, %s: alternative %d differs", id, a.Key(), i)
		}
	}
}

// A text the dictionary lacks, or one it has for nothing, stops the load
// and is named.
func TestFrenchDictionaryMustMatch(t *testing.T) {
	t.Parallel()
	tr := &translator{lang: "fr", texts: map[string]string{"gone": "parti"}, used: map[string]bool{}}
	tr.missing = []string{`ontario.yaml line 3: "new text"`}
	err := tr.check()
	if err == nil || !strings.Contains(err.Error(), "new text") || !strings.Contains(err.Error(), `"gone"`) {
		t.Fatalf("check: %v", err)
	}
	if err := mergeDictionary(map[string]string{"a": "b"}, map[string]string{"a": "c"}, "x.yaml"); err == nil {
		t.Fatal("a text translated two ways was accepted")
	}
	if err := mergeDictionary(map[string]string{}, map[string]string{"a": " "}, "x.yaml"); err == nil {
		t.Fatal("an empty translation was accepted")
	}
}

// englishInFrench matches English words that a French text has no reason
// to contain: a US body or statute is named in French in the French texts
// (its acronym stays), and citations, which stay as the law writes them,
// are not among the translated fields.
var englishInFrench = regexp.MustCompile(`(?:^|[^\p{L}])(the|and|of|to|is|are|was|were|by|with|for|from|this|that|not|none|your|you|` +
	`Breach|Rule|Data|Act|Department|Office|Division|Review|notice|affected|law)(?:[^\p{L}]|$)`)

// No French text of the catalogue carries English words.
func TestFrenchTextsHaveNoEnglishWords(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(configdata.FS, "regulations/fr/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("French texts: %v", err)
	}
	for _, name := range names {
		var df dictionaryFile
		if err := decodeStrict(configdata.FS, name, &df); err != nil {
			t.Fatal(err)
		}
		for _, m := range []map[string]string{df.Texts, df.Options} {
			for en, fr := range m {
				if w := englishInFrench.FindStringSubmatch(fr); w != nil {
					t.Errorf("%s: %q has the English word %q in French: %q", name, en, w[1], fr)
				}
			}
		}
	}
}
