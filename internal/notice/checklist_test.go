package notice

import (
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/rules"
)

// TestRequirementsNameRulesToIndividuals: every checklist in
// config/notices/requirements.yaml belongs to a rule of the catalogue that
// notifies individuals, so a renamed rule cannot silently drop its
// checklist.
func TestRequirementsNameRulesToIndividuals(t *testing.T) {
	t.Parallel()
	reqs, err := LoadRequirements()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := rules.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		found := false
		for _, rule := range cat.Rules {
			if rule.ID == r.Rule && rule.Recipient.Kind == "individual" {
				found = true
			}
		}
		if !found {
			t.Errorf("requirements for %s: no rule of the catalogue with that id notifies individuals", r.Rule)
		}
	}
}

// message is a rendered notice whose body says text and prints fields.
func message(subject, text string, fields ...string) Message {
	m := Message{Subject: subject, Text: text, Used: map[string]bool{}}
	for _, f := range fields {
		m.Used[f] = true
	}
	return m
}

func requirement(t *testing.T, rule string) inPlay {
	t.Helper()
	reqs, err := LoadRequirements()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		if r.Rule == rule {
			return inPlay{Requirement: r, jurisdiction: map[string]string{"US-CA": "US-CA", "US-IL": "US-IL", "QC-PPIPS-IND": "CA-QC", "ON-PHIPA-IND": "CA-ON"}[rule]}
		}
	}
	t.Fatalf("no requirements for %s", rule)
	return inPlay{}
}

// failing lists the items that fail as rule/item: why.
func failing(items []CheckItem) map[string]string {
	out := map[string]string{}
	for _, ci := range items {
		if !ci.OK {
			out[ci.Rule+"/"+ci.Item] = ci.Why
		}
	}
	return out
}

// TestChecklistPerRegime: each regime's items are checked on the notice
// as rendered, in the language its recipients get, and a failure names the
// item and says why.
func TestChecklistPerRegime(t *testing.T) {
	t.Parallel()
	headings := "What Happened\nWhat Information Was Involved\nWhat We Are Doing\nWhat You Can Do\nFor More Information"
	ca := requirement(t, "US-CA")
	in := audienceView{langsByRegion: map[string]map[string]bool{"US-CA": {"en": true}}}
	good := map[string]Message{"en": message("Notice of Data Breach", headings, "data_categories", "contact")}
	if f := failing(evaluate([]inPlay{ca}, good, in)); len(f) != 0 {
		t.Errorf("a California notice with the title and headings fails: %v", f)
	}
	bad := map[string]Message{"en": message("Important information", strings.Replace(headings, "What We Are Doing", "Our response", 1), "data_categories", "contact")}
	f := failing(evaluate([]inPlay{ca}, bad, in))
	if !strings.Contains(f["US-CA/title"], "Notice of Data Breach") || !strings.Contains(f["US-CA/headings"], "What We Are Doing") {
		t.Errorf("California without its title and a heading: %v", f)
	}

	il := requirement(t, "US-IL")
	ilIn := audienceView{langsByRegion: map[string]map[string]bool{"US-IL": {"en": true}}}
	counted := map[string]Message{"en": message("Notice", "A security freeze is free.", "affected_count")}
	if f := failing(evaluate([]inPlay{il}, counted, ilIn)); !strings.Contains(f["US-IL/no_count"], "affected_count") {
		t.Errorf("an Illinois notice stating the count passes: %v", f)
	}

	qc := requirement(t, "QC-PPIPS-IND")
	english := audienceView{langsByRegion: map[string]map[string]bool{"CA-QC": {"en": true}}}
	if f := failing(evaluate([]inPlay{qc}, map[string]Message{"en": message("Notice", "x", "data_categories", "what_happened", "when", "what_we_are_doing", "what_you_can_do", "contact")}, english)); !strings.Contains(f["QC-PPIPS-IND/french"], "CA-QC") {
		t.Errorf("Québec residents getting English passes: %v", f)
	}

	phipa := requirement(t, "ON-PHIPA-IND")
	french := audienceView{langsByRegion: map[string]map[string]bool{"CA-ON": {"fr": true}}}
	withoutIPC := map[string]Message{"fr": message("Avis", "Vous pouvez porter plainte.", "what_happened", "data_categories", "what_we_are_doing", "contact")}
	if f := failing(evaluate([]inPlay{phipa}, withoutIPC, french)); !strings.Contains(f["ON-PHIPA-IND/complaint"], "fr") {
		t.Errorf("a French PHIPA notice without the IPC statement passes: %v", f)
	}
}
