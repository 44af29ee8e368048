package rules

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func statePerson(region, zone string, cats []string, roles ...string) Facts {
	return Facts{Organization: org(region, zone, roles...), Events: ev("discovered", "2025-06-02", "determined", "2025-06-02", "aware", "2025-06-02"),
		Affected: aff(region, 40), DataCategories: cats, Answers: answers{}}
}

func hasAlternative(o *Obligation, pred func(Alternative) bool) bool {
	for _, a := range o.Alternatives {
		if pred(a) {
			return true
		}
	}
	return false
}

// TestNewMexicoDefinitionAndExemption: N.M. Stat. §57-12C-2 does not list
// medical information as personal identifying information, and §57-12C-8
// exempts a person subject to HIPAA or the Gramm-Leach-Bliley Act.
func TestNewMexicoDefinitionAndExemption(t *testing.T) {
	cat := loadTestCatalogue(t)
	cases := []struct {
		name     string
		facts    Facts
		required bool
		says     string
	}{
		{"health only, any organization", statePerson("US-NM", "America/Denver", []string{"health"}, "controller"), false, "is not personal information under New Mexico's definition (N.M. Stat. §57-12C-2)"},
		{"SSN, HIPAA covered entity", statePerson("US-NM", "America/Denver", []string{"ssn", "health"}, "hipaa_covered_entity"), false, "Not required: a person subject to HIPAA or the Gramm-Leach-Bliley Act is exempt from the Data Breach Notification Act (N.M. Stat. §57-12C-8)"},
		{"SSN, bank under GLBA", statePerson("US-NM", "America/Denver", []string{"ssn"}, "banking_organization"), false, "N.M. Stat. §57-12C-8"},
		{"SSN, retailer", statePerson("US-NM", "America/Denver", []string{"ssn"}, "controller"), true, "which New Mexico's definition of personal information covers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := findObligation(Evaluate(cat, tc.facts, testOptions(t)), "US-NM/individuals")
			if o == nil || o.Required == nil || *o.Required != tc.required {
				t.Fatalf("required = %v, want %v: %+v", o, tc.required, o)
			}
			if !strings.Contains(o.Explanation, tc.says) {
				t.Errorf("explanation %q lacks %q", o.Explanation, tc.says)
			}
		})
	}
}

// TestNewYorkHealthDataFrom20250321: N.Y. GBL §899-aa added medical and
// health insurance information to private information from 2025-03-21.
// A breach of health data alone discovered the day before is not a
// §899-aa breach; one discovered that day is.
func TestNewYorkHealthDataFrom20250321(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, tc := range []struct {
		discovered string
		required   bool
	}{{"2025-03-20", false}, {"2025-03-21", true}} {
		f := Facts{Organization: org("US-NY", "America/New_York", "controller"), Events: ev("discovered", tc.discovered),
			Affected: aff("US-NY", 25), DataCategories: []string{"health_insurance"}}
		res := Evaluate(cat, f, testOptions(t))
		for _, key := range []string{"US-NY/individuals", "US-NY/ag"} {
			o := findObligation(res, key)
			if o == nil || o.Required == nil || *o.Required != tc.required {
				t.Errorf("discovered %s, %s: required %v, want %v (%v)", tc.discovered, key, boolText(o.Required), tc.required, o.Explanation)
			}
		}
	}
}

// TestUncheckedDefinitionIsConservative: Georgia's definition has not been
// checked for health data. The duty is shown (the conservative reading),
// with "not required" as the alternative; name and contact details alone
// are personal information under no state's definition.
func TestUncheckedDefinitionIsConservative(t *testing.T) {
	cat := loadTestCatalogue(t)
	o := findObligation(Evaluate(cat, statePerson("US-GA", "America/New_York", []string{"health"}, "controller"), testOptions(t)), "US-GA/individuals")
	if o == nil || o.Required == nil || !*o.Required {
		t.Fatalf("unchecked category: want required, got %+v", o)
	}
	if !hasAlternative(o, func(a Alternative) bool {
		return a.Required != nil && !*a.Required && strings.Contains(a.Basis, "O.C.G.A.")
	}) {
		t.Errorf("want a 'not required' alternative citing the definition: %+v", o.Alternatives)
	}
	o = findObligation(Evaluate(cat, statePerson("US-GA", "America/New_York", []string{"name", "contact"}, "controller"), testOptions(t)), "US-GA/individuals")
	if o == nil || o.Required == nil || *o.Required {
		t.Errorf("name and contact only: want not required, got %+v", o)
	}
}

// TestEncryptionSafeHarbour: the Texas safe harbour (unverified here)
// is shown as an alternative only when the data were encrypted and the key
// was not compromised; a compromised key, or an unanswered question about
// it, leaves no such reading.
func TestEncryptionSafeHarbour(t *testing.T) {
	cat := loadTestCatalogue(t)
	safe := func(o *Obligation) bool {
		return hasAlternative(o, func(a Alternative) bool {
			return a.Required != nil && !*a.Required && strings.Contains(a.Basis, "encrypted")
		})
	}
	for _, tc := range []struct {
		name    string
		answers answers
		harbour bool
	}{
		{"encrypted, key safe", answers{"data_encrypted": true, "encryption_key_compromised": false}, true},
		{"encrypted, key compromised", answers{"data_encrypted": true, "encryption_key_compromised": true}, false},
		{"encrypted, key not answered", answers{"data_encrypted": true}, false},
		{"not encrypted", answers{"data_encrypted": false}, false},
	} {
		f := statePerson("US-TX", "America/Chicago", []string{"ssn"}, "controller")
		f.Answers = tc.answers
		o := findObligation(Evaluate(cat, f, testOptions(t)), "US-TX/individuals")
		if o == nil || o.Required == nil || !*o.Required {
			t.Fatalf("%s: the unverified safe harbour must not remove the duty: %+v", tc.name, o)
		}
		if safe(o) != tc.harbour {
			t.Errorf("%s: safe-harbour alternative %v, want %v (%+v)", tc.name, safe(o), tc.harbour, o.Alternatives)
		}
	}
}

// TestNewYorkHIPAADeemedCompliantIsAReading: §899-aa(2)(b) (unverified
// here) says notice made under HIPAA needs no further notice to affected
// persons; the Attorney General must still be told. The reading is shown
// on the individual notice only, linked to the HIPAA duty.
func TestNewYorkHIPAADeemedCompliantIsAReading(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := statePerson("US-NY", "America/New_York", []string{"ssn", "health"}, "hipaa_covered_entity")
	res := Evaluate(cat, f, testOptions(t))
	ind, ag := findObligation(res, "US-NY/individuals"), findObligation(res, "US-NY/ag")
	if ind.Required == nil || !*ind.Required || ind.SatisfiedBy != "" {
		t.Fatalf("unverified clause applied: %+v", ind)
	}
	if !hasAlternative(ind, func(a Alternative) bool { return a.SatisfiedBy == "US-HIPAA-IND" }) {
		t.Errorf("no satisfied-by reading linked to US-HIPAA-IND: %+v", ind.Alternatives)
	}
	if hasAlternative(ag, func(a Alternative) bool { return a.SatisfiedBy != "" }) {
		t.Errorf("the Attorney General notice got the reading too: %+v", ag.Alternatives)
	}
}

// TestVerifiedDeemedCompliantLinksTheDuty: a deemed-compliant clause whose
// text is checked makes the state duty satisfied by the federal duty, with
// no date of its own (a fixture catalogue, since no such clause is checked
// in the shipped one yet).
func TestVerifiedDeemedCompliantLinksTheDuty(t *testing.T) {
	vocab, err := os.ReadFile("../../config/regulations/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"vocabulary.yaml": {Data: vocab},
		"profiles.yaml": {Data: []byte(`candidates: [ssn, health]
profiles:
  - region: US-ZZ
    statute: "Z Code §1"
    definition: {citation: "Z Code §1(a)", versions: [{data: [ssn, health], status: verified}]}
    exemptions:
      - {kind: deemed_compliant, label: "HIPAA notice satisfies this section", when: {role: [hipaa_covered_entity]}, satisfied_by: FED, citation: "Z Code §1(f)", status: verified}
`)},
		"t.yaml": {Data: []byte(`rules:
  - {id: FED, version: "1", jurisdiction: US, recipient: {kind: individual, name: I}, clock: {anchor: discovered, calendar_days: 60}, citation: f, status: verified}
  - {id: US-ZZ, part: individuals, version: "1", jurisdiction: US-ZZ, profile: US-ZZ, recipient: {kind: individual, name: Z}, trigger: {affected: [US-ZZ]}, clock: {anchor: discovered, calendar_days: 30}, citation: "Z Code §1", status: verified}
`)},
	}
	cat, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	f := Facts{Organization: org("US-ZZ", "UTC", "hipaa_covered_entity"), Events: ev("discovered", "2025-01-01"), Affected: aff("US-ZZ", 3), DataCategories: []string{"health"}}
	o := findObligation(Evaluate(cat, f, Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}), "US-ZZ/individuals")
	if o == nil || o.SatisfiedBy != "FED" || o.Due != nil || o.Overdue || o.Required == nil || !*o.Required {
		t.Fatalf("want required, satisfied by FED, no date: %+v", o)
	}
}

// TestEveryStateRuleHasAProfile: each US state, DC and Puerto Rico rule
// follows its state's profile, and every profile says what the statute
// covers, its safe harbour, its HIPAA/GLBA position (even if unchecked) and
// its law-enforcement delay, each with a status.
func TestEveryStateRuleHasAProfile(t *testing.T) {
	cat := loadTestCatalogue(t)
	for _, r := range cat.Rules {
		if r.Family != "us-states" {
			continue
		}
		if r.Profile != r.Jurisdiction {
			t.Errorf("%s (%s): profile %q, want %q", r.Key(), r.Version, r.Profile, r.Jurisdiction)
		}
	}
	for _, p := range cat.Profiles.Profiles {
		kinds := map[string]bool{}
		for _, ex := range p.Exemptions {
			kinds[ex.Kind] = true
		}
		if !kinds[ExemptSafeHarbour] {
			t.Errorf("%s: no encryption safe harbour entry", p.Region)
		}
		if !kinds[ExemptUnknown] && !kinds[ExemptOutright] && !kinds[ExemptDeemedCompliant] {
			t.Errorf("%s: no HIPAA/GLBA entry, not even an unchecked one", p.Region)
		}
		if p.LawEnforcement == nil {
			t.Errorf("%s: no law-enforcement delay entry", p.Region)
		}
	}
	if n := len(cat.Profiles.Profiles); n != 52 {
		t.Errorf("%d profiles, want 52 (50 states, DC, Puerto Rico)", n)
	}
}
