package report

import (
	"slices"
	"testing"
)

func TestRegistryListsEveryDocumentKind(t *testing.T) {
	t.Parallel()
	want := []string{"on-ipc-phipa", "on-ipc-fippa", "on-ipc-mfippa", "ca-opc-pipeda", "qc-cai", "ab-oipc-pipa",
		"bc-oipc", "eu-gdpr-33", "uk-ico", "us-hhs-hipaa", "us-state-ag", "generic", "register",
		"phipa-annual-stats", "fippa-annual-stats", "summary"}
	var got []string
	for _, k := range Kinds() {
		got = append(got, k.ID)
		if k.Title == "" || (k.Language != "en" && k.Language != "fr") {
			t.Errorf("%s: title %q language %q", k.ID, k.Title, k.Language)
		}
		if k.Filing && k.Regulator == "" && k.ID != "generic" {
			t.Errorf("%s: a filing without a regulator", k.ID)
		}
		if k.CSV != slices.Contains([]string{"register", "phipa-annual-stats", "fippa-annual-stats"}, k.ID) {
			t.Errorf("%s: CSV flag %v", k.ID, k.CSV)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("kinds %v, want %v", got, want)
	}
}

func TestGenericFilingTakesRuleContent(t *testing.T) {
	t.Parallel()
	in := fullInput()
	in.Requirements = []Requirement{{Field: "breach.description", Label: "(a) circumstances"},
		{Field: "breach.affected", Label: "number of persons"}, {Field: "answer:complaint_process", Label: "complaint process"}}
	miss, err := Check("generic", in)
	if err != nil {
		t.Fatal(err)
	}
	if len(miss) != 1 || miss[0].Field != "answer:complaint_process" {
		t.Fatalf("Check = %v, want only the unanswered complaint_process", miss)
	}
	in.Breach.Answers["complaint_process"] = "Write to the privacy office, then the OPC."
	text := pdfText(t, render(t, "generic", in))
	for _, want := range []string{in.Breach.Description, "1,234", "Write to the privacy office, then the OPC."} {
		if !hasText(text, want) {
			t.Errorf("%q not in generic filing", want)
		}
	}
}
