package report

import "testing"

// TestSummaryNamesWhatEachDateMeans: the internal summary never prints a
// record's keep-until date, a permitted step's window or a regulator's
// practice date as if it were a deadline, and a duty with no fixed date
// shows the internal target it is tracked against (PIPEDA s.10.3 and
// SOR/2018-64 s.6: keep the record at least 24 months; Québec P-39.1
// s.3.5: the enterprise "may" notify bodies that could reduce the risk).
func TestSummaryNamesWhatEachDateMeans(t *testing.T) {
	in := fullInput()
	keep, window, target := at("2027-03-04T05:00:00Z"), at("2025-04-01T16:00:00Z"), at("2025-03-07T17:00:00Z")
	in.Obligations = []Obligation{
		{RuleID: "CA-PIPEDA-RECORD", Version: "1", Recipient: "the organization's records", Jurisdiction: "CA", Status: "pending",
			Kind: "retention", Until: &keep, Standard: "at least 24 months after the determination"},
		{RuleID: "QC-P39-BODIES", Version: "1", Recipient: "bodies that could reduce the risk", Jurisdiction: "CA-QC", Status: "pending",
			Kind: "permitted", Standard: "when it could reduce the risk"},
		{RuleID: "ON-PHIPA-IPC", Version: "1", Recipient: "IPC Ontario", Jurisdiction: "CA-ON", Status: "pending",
			Kind: "duty", Standard: "at the first reasonable opportunity", Target: &target},
		{RuleID: "EU-GDPR-WINDOW", Version: "1", Recipient: "a body", Jurisdiction: "EU", Status: "pending",
			Kind: "permitted", Until: &window},
	}
	text := pdfText(t, render(t, "summary", in))
	for _, want := range []string{
		"Keep the record until 2027-03-04",
		"Permitted, not required",
		"at the first reasonable opportunity",
		"Internal target: 2025-03-07 12:00",
		"may be done until 2025-04-01 12:00",
	} {
		if !hasText(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
}
