package document

import (
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/rules"
)

// Every content item a rule of the catalogue asks for resolves to a field
// the documents print: a key of the report's field catalogue, or the answer
// to a question the vocabulary knows.
func TestEveryRuleContentIDResolves(t *testing.T) {
	t.Parallel()
	cat, err := rules.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range report.FieldKeys() {
		keys[k] = true
	}
	n := 0
	for _, r := range cat.Rules {
		for _, c := range r.Content {
			n++
			field, ok := cat.Vocabulary.ContentField(c.ID)
			if !ok {
				t.Errorf("%s: content id %q has no field", r.Key(), c.ID)
				continue
			}
			if q, isAnswer := strings.CutPrefix(field, "answer:"); isAnswer {
				_, known := cat.Vocabulary.Question(q)
				_, content := cat.Vocabulary.ContentQuestion(q)
				if !known && !content && !isReportAnswer(q) {
					t.Errorf("%s: content id %q maps to the answer to %q, which no question asks", r.Key(), c.ID, q)
				}
				continue
			}
			if !keys[field] {
				t.Errorf("%s: content id %q maps to %q, which no document prints", r.Key(), c.ID, field)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d content items in the catalogue", n)
	}
	title, reqs, ok := requirementsOf(cat, "CA-PIPEDA-OPC", "")
	if !ok || len(reqs) == 0 || !strings.Contains(title, "Privacy Commissioner") {
		t.Fatalf("requirements of CA-PIPEDA-OPC: %q %v %v", title, reqs, ok)
	}
}

// isReportAnswer reports the answer keys the filings read that are worded
// by the document layer itself (e.g. the PHIPA s.6.3 circumstance).
func isReportAnswer(q string) bool {
	return q == report.AnswerPHIPACircumstance
}
