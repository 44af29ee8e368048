package report

import (
	"regexp"
	"strings"
	"testing"
)

// codedInput is a breach as the application stores it: vocabulary ids for
// data categories, breach kinds and sectors, region codes for the roster.
func codedInput() Input {
	in := fullInput()
	in.Breach.DataCategories = []string{"health", "ssn", "health_insurance"}
	in.Breach.Kinds = []string{"unauthorized_access", KindTheft}
	in.Org.Sectors = []string{"health"}
	in.Roster.ByRegion = map[string]int{"CA-AB": 160, "CA-QC": 200, "US-TX": 30}
	no := false
	in.Obligation.Required, in.Obligation.Due, in.Obligation.Standard = nil, nil, "promptly (avec diligence)"
	in.Obligations[0].Required = &no
	return in
}

// TestQuebecFilingIsFrenchThroughout: the notice to the CAI (Règlement sur
// les incidents de confidentialité, art. 3) is in French: labels, data
// categories, the time limit and the provision, the stage and the dates.
func TestQuebecFilingIsFrenchThroughout(t *testing.T) {
	in := codedInput()
	text := pdfText(t, render(t, "qc-cai", in))
	for _, want := range []string{
		"Renseignements de santé ou médicaux", "Numéro de sécurité sociale américain", "Renseignements d'assurance maladie",
		"Avec diligence (Loi sur la protection des renseignements personnels dans le secteur privé, art. 3.5)",
		"Loi sur la protection des renseignements personnels dans le secteur privé (RLRQ, c. P-39.1), art. 3.5",
		"Préparé par : Dana Okafor, Privacy Officer", "2025-02-28 09 h 00 (UTC-05:00)", "Mise à jour",
	} {
		if !hasText(text, strings.ReplaceAll(want, "\u00a0", " ")) {
			t.Errorf("%q not in the French filing", want)
		}
	}
	for _, english := range []string{"not required", "Not required", "promptly", "health", "ssn", "EST", "EDT", "Prepared by", "Due", "s.3.5", "Reg. A-2.1"} {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(english) + `\b`).MatchString(text) {
			t.Errorf("English or a code in the French filing: %q", english)
		}
	}
	in.Obligation.Required = new(bool) // a filing answering a duty that is not required
	text = pdfText(t, render(t, "qc-cai", in))
	if strings.Contains(text, "Échéance") {
		t.Errorf("a voluntary filing shows a time limit")
	}
}

// TestPreparedByIsAPersonWithRole: "Prepared by" names the person and
// their role; an account label (e-mail, "cli") is not printed.
func TestPreparedByIsAPersonWithRole(t *testing.T) {
	in := fullInput()
	in.PreparedBy = Person{Name: "Dana Okafor", Role: "Privacy Officer"}
	in.Preparer = "dana@northfield.example"
	text := pdfText(t, render(t, "ca-opc-pipeda", in))
	if !hasText(text, "Prepared by: Dana Okafor, Privacy Officer") || strings.Contains(text, "dana@northfield.example") {
		t.Errorf("prepared by: want the name and role, not the account:\n%s", text[:min(len(text), 800)])
	}
	in.PreparedBy, in.Preparer = Person{}, "cli"
	if text := pdfText(t, render(t, "ca-opc-pipeda", in)); strings.Contains(text, "Prepared by") {
		t.Errorf("an account label was printed as the preparer")
	}
}

// TestMissingListCoversEveryUnknownField: every field a filing prints as
// "not yet known" is in the missing-content list and in Check, the optional
// ones marked so (PHIPA agents count; the OPC real-risk assessment, other
// organizations notified, law enforcement).
func TestMissingListCoversEveryUnknownField(t *testing.T) {
	empty := Input{Org: Organization{Name: "Clinic"}, Breach: Breach{Reference: "BR-1"}, GeneratedAt: at("2025-01-02T03:04:05Z"),
		State: "TX", Requirements: genericRequirements()}
	for _, c := range filingCases() {
		in := empty
		if c.state != "" {
			in.State = c.state
		}
		miss, err := Check(c.kind, in)
		if err != nil {
			t.Fatal(err)
		}
		spec := mustSpec(t, c.kind, in)
		w := wordsFor(spec.lang)
		text := strings.Join(strings.Fields(pdfText(t, render(t, c.kind, in))), " ")
		if n := strings.Count(text, w.notKnown); n != len(miss) {
			t.Errorf("%s%s: %d fields printed as not yet known, %d listed by Check", c.kind, c.state, n, len(miss))
		}
		list := text[strings.LastIndex(text, w.missing):]
		for _, m := range miss {
			if !hasText(list, m.Label) {
				t.Errorf("%s%s: %q printed as unknown but not in the missing-content list", c.kind, c.state, m.Label)
			}
		}
	}
	opc, _ := Check("ca-opc-pipeda", empty)
	phipa, _ := Check("on-ipc-phipa", empty)
	optional := map[string]bool{}
	for _, m := range append(opc, phipa...) {
		if m.Optional {
			optional[m.Field] = true
		}
	}
	for _, f := range []string{"breach.harm", "breach.other_organizations", "breach.law_enforcement", "breach.agents"} {
		if !optional[f] {
			t.Errorf("%s is printed as not yet known but not listed as an optional missing item", f)
		}
	}
}

// TestDocumentsPrintLabelsNotCodes: data categories, breach kinds, sectors
// and regions are printed by label and name ("Alberta: 160", not
// "CA-AB: 160").
func TestDocumentsPrintLabelsNotCodes(t *testing.T) {
	in := codedInput()
	in.Requirements = genericRequirements()
	for _, kind := range []string{"ca-opc-pipeda", "us-hhs-hipaa", "summary"} {
		text := pdfText(t, render(t, kind, in))
		for _, code := range []string{"CA-AB", "CA-QC", "US-TX", "unauthorized_access", "health_insurance", "ssn"} {
			if regexp.MustCompile(`\b` + code + `\b`).MatchString(text) {
				t.Errorf("%s prints the code %q", kind, code)
			}
		}
	}
	text := pdfText(t, render(t, "ca-opc-pipeda", in))
	for _, want := range []string{"Alberta: 160; Quebec: 200; Texas: 30", "Health or medical information; US Social Security number"} {
		if !hasText(text, want) {
			t.Errorf("%q not in the OPC filing", want)
		}
	}
	if got := pdfText(t, render(t, "us-hhs-hipaa", in)); !hasText(got, "Unauthorized access; Theft") {
		t.Errorf("breach kinds not printed by label in the HHS filing")
	}
}

// TestKindsNameTheirRegulator: every filing kind names a regulator a
// person can read, never a placeholder for an input field.
func TestKindsNameTheirRegulator(t *testing.T) {
	for _, k := range Kinds() {
		if strings.Contains(k.Regulator, "Input.") || strings.Contains(k.Title, "Input.") {
			t.Errorf("%s: regulator %q", k.ID, k.Regulator)
		}
	}
	for code, want := range map[string]string{"TX": "Texas Attorney General", "NJ": "New Jersey Division of State Police",
		"PR": "Puerto Rico Department of Consumer Affairs (DACO)", "ZZ": ""} {
		if got := StateRegulator(code); got != want {
			t.Errorf("StateRegulator(%s) = %q, want %q", code, got, want)
		}
	}
	in := fullInput()
	in.State = "NJ"
	if text := pdfText(t, render(t, "us-state-ag", in)); !hasText(text, "Notice of security breach to the New Jersey Division of State Police") || !hasText(text, "N.J.S.A. 56:8-161") {
		t.Errorf("New Jersey notice does not name the State Police and the statute")
	}
}
