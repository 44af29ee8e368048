package obligation

import (
	"strings"
	"testing"

	configdata "github.com/breachline/breachline/config"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/rules"
)

func catalogue(t testing.TB) *rules.Catalogue {
	t.Helper()
	cat, err := rules.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestProductCategoriesMapToVocabulary: every rule_categories target is a
// data category of the catalogue's vocabulary, every product category maps
// to at least one, and every vocabulary category is reachable.
func TestProductCategoriesMapToVocabulary(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	terms := Terms{V: &cat.Vocabulary}
	cats, err := breach.LoadCategories(configdata.FS, "data-categories.yaml")
	if err != nil {
		t.Fatal(err)
	}
	reached := map[string]bool{}
	for _, c := range cats {
		if len(c.RuleCategories) == 0 {
			t.Errorf("product category %s maps to no vocabulary category", c.ID)
		}
		for _, rc := range c.RuleCategories {
			if !terms.DataCategory(rc) {
				t.Errorf("product category %s maps to %q, not in vocabulary.yaml", c.ID, rc)
			}
			reached[rc] = true
		}
	}
	for _, v := range cat.Vocabulary.DataCategories {
		if !reached[v.ID] {
			t.Errorf("vocabulary data category %s is not reachable from any product category", v.ID)
		}
	}
}

func TestCheckAnswer(t *testing.T) {
	t.Parallel()
	terms := Terms{V: &catalogue(t).Vocabulary}
	cases := []struct {
		q, v string
		ok   bool
	}{
		{"rrosh", "true", true}, {"rrosh", "No", true}, {"rrosh", "unknown", true}, {"rrosh", "maybe", false},
		{"phipa_ipc_category", "theft", true}, {"phipa_ipc_category", "Theft", false},
		{"gdpr_risk", "high_risk", true}, {"not_a_question", "true", false},
	}
	for _, c := range cases {
		if got := terms.CheckAnswer(c.q, c.v) == ""; got != c.ok {
			t.Errorf("CheckAnswer(%s, %s) ok=%v, want %v", c.q, c.v, got, c.ok)
		}
	}
	q, _ := terms.V.Question("rrosh")
	if v, ok := typedAnswer(q, "yes"); !ok || v != true {
		t.Errorf("yes -> %v %v", v, ok)
	}
}

func TestCheckFactsNamesFields(t *testing.T) {
	t.Parallel()
	terms := Terms{V: &catalogue(t).Vocabulary}
	f := rules.Facts{
		Organization: rules.Organization{Roles: []string{"hic", "custodian"}, TimeZone: "Mars/Base"},
		Events:       map[string]string{"aware": "yesterday", "contained": "2025-01-01"},
		Kinds:        []string{"theft", "misdirected"},
		Answers:      map[string]any{"rrosh": "perhaps"},
		Affected:     []rules.Affected{{Region: "", Count: 3}},
	}
	err := terms.CheckFacts(&f)
	if err == nil {
		t.Fatal("bad facts accepted")
	}
	for _, field := range []string{"organization.time_zone", "organization.roles[1]", "events.aware", "events.contained", "kinds[1]", "answers.rrosh", "affected[0]"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s: %v", field, err)
		}
	}
}
