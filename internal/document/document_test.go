package document

import (
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/rules"
)

func TestPickObligation(t *testing.T) {
	t.Parallel()
	info := report.KindInfo{ID: "on-ipc-phipa", RuleIDs: []string{"ON-PHIPA-IPC"}}
	obs := []ObligationRef{
		{ID: 4, Obligation: report.Obligation{RuleID: "ON-PHIPA-IND"}},
		{ID: 7, Obligation: report.Obligation{RuleID: "ON-PHIPA-IPC/report"}},
	}
	got, err := pickObligation(info, obs, nil)
	if err != nil || got == nil || got.ID != 7 {
		t.Fatalf("by rule: %+v %v", got, err)
	}
	id := int64(4)
	if got, err = pickObligation(info, obs, &id); err != nil || got.ID != 4 {
		t.Fatalf("by id: %+v %v", got, err)
	}
	other := int64(99)
	if _, err = pickObligation(info, obs, &other); err == nil {
		t.Fatal("an obligation of another breach was accepted")
	}
	if got, _ = pickObligation(report.KindInfo{ID: "summary"}, obs, nil); got != nil {
		t.Fatalf("summary linked to %+v", got)
	}
}

func TestNotifiable(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	req := func(r *bool, status string) ObligationRef {
		return ObligationRef{Obligation: report.Obligation{Required: r, Status: status}}
	}
	kind := func(o ObligationRef, k string) ObligationRef {
		o.Kind = k
		return o
	}
	cases := []struct {
		name    string
		obs     []ObligationRef
		answers map[string]string
		want    string
	}{
		{"required duty", []ObligationRef{req(&no, "not_required"), req(&yes, "pending")}, nil, "true"},
		{"every duty not required", []ObligationRef{req(&no, "not_required"), req(nil, "not_required")}, nil, "false"},
		{"undetermined duty, answer says no", []ObligationRef{req(nil, "undetermined")}, map[string]string{"rrosh": "false"}, "false"},
		{"no duties, answer yes", nil, map[string]string{"gdpr_risk": "high_risk"}, "true"},
		{"nothing known", nil, nil, "nil"},
		// PIPEDA s.10.3: a record of every breach is kept, notifiable or
		// not; a permitted step and a practice date are not notices either.
		{"only a record to keep", []ObligationRef{kind(req(&yes, "pending"), "retention"), req(&no, "not_required")}, nil, "false"},
		{"a permitted step and a practice date", []ObligationRef{kind(req(&no, "pending"), "permitted"), kind(req(&yes, "pending"), "target")},
			map[string]string{"rrosh": "false"}, "false"},
	}
	for _, c := range cases {
		got := notifiable(c.obs, c.answers)
		s := "nil"
		if got != nil {
			s = map[bool]string{true: "true", false: "false"}[*got]
		}
		if s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}
}

func TestRefOfPrintsTheObligation(t *testing.T) {
	t.Parallel()
	due := time.Date(2025, 3, 12, 14, 0, 0, 0, time.UTC)
	yes := true
	o := refOf(obligation.Obligation{ID: 5, BreachID: 2, RuleKey: "ON-PHIPA-IPC", RuleID: "ON-PHIPA-IPC",
		RuleVersion: "2024-01-01", Recipient: rules.Recipient{Kind: "regulator", Name: "IPC Ontario"},
		Required: &yes, DueAt: &due, Status: "pending", Citation: "PHIPA s.12(3)", Kind: rules.KindDuty,
		StatusNote: "the s.6.3 categories are unverified", Notes: "Report each breach once."})
	if o.ID != 5 || o.BreachID != 2 || o.RuleID != "ON-PHIPA-IPC" || o.Version != "2024-01-01" ||
		o.Recipient != "IPC Ontario" || o.Required == nil || !*o.Required || o.Due == nil || !o.Due.Equal(due) ||
		o.Citation != "PHIPA s.12(3)" || o.Status != "pending" || o.Kind != rules.KindDuty ||
		o.StatusNote != "the s.6.3 categories are unverified" || o.Notes != "Report each breach once." {
		t.Fatalf("mapped: %+v", o)
	}
}

func TestReportBreachReadsAnswersAndTags(t *testing.T) {
	t.Parallel()
	b := reportBreach(breach.Breach{Reference: "BR-2025-0001", Kinds: []string{"loss", "insider", "phishing"},
		Answers: []breach.Answer{{QuestionID: "how_discovered", Value: "An audit"}, {QuestionID: "records", Value: "120"}}})
	if b.HowDiscovered != "An audit" || b.Records != 120 {
		t.Fatalf("answers: %+v", b)
	}
	want := map[string]bool{"loss": true, report.TagInternalParty: true, report.TagCyberattack: true}
	for _, k := range b.Kinds {
		delete(want, k)
	}
	if len(want) != 0 {
		t.Fatalf("kinds %v lack %v", b.Kinds, want)
	}
}

func TestDocumentIDAndSeries(t *testing.T) {
	t.Parallel()
	ob := &ObligationRef{ID: 12}
	if got := documentID("BR-2025-0007", "us-state-ag", "TX", ob, 3); got != "BR-2025-0007-us-state-ag-o12-TX-v3" {
		t.Fatalf("document id %q", got)
	}
	if a, b := breachSeries(1, "us-state-ag", nil, "TX"), breachSeries(1, "us-state-ag", nil, "CA"); a == b {
		t.Fatal("two states share a series")
	}
}

func TestFilingFieldsComeFromTheAssessment(t *testing.T) {
	t.Parallel()
	b := reportBreach(breach.Breach{Answers: []breach.Answer{
		{QuestionID: "phipa_ipc_category", Value: "theft"}, {QuestionID: "rrosh", Value: "yes"}}})
	if got := b.Answers[report.AnswerPHIPACircumstance]; !strings.Contains(got, "stolen") {
		t.Fatalf("PHIPA circumstance not taken from phipa_ipc_category: %q", got)
	}
	if got := b.Answers[report.AnswerRiskOfHarm]; !strings.HasPrefix(got, "Yes") {
		t.Fatalf("risk of harm not taken from rrosh: %q", got)
	}
	direct := reportBreach(breach.Breach{Answers: []breach.Answer{
		{QuestionID: "phipa_ipc_category", Value: "theft"}, {QuestionID: report.AnswerPHIPACircumstance, Value: "as written"}}})
	if got := direct.Answers[report.AnswerPHIPACircumstance]; got != "as written" {
		t.Fatalf("a direct answer was overwritten: %q", got)
	}
}
