package document

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/report"
)

// reportOrg is the organization as the documents print it.
func reportOrg(o auth.Organization) report.Organization {
	return report.Organization{
		Name: o.Name, LegalName: o.LegalName, Address: o.Address,
		ContactName: o.ContactName, ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone,
		TimeZone: o.TimeZone, Sectors: o.Sectors,
	}
}

// kindTag is the statistics tag or category a breach kind implies, if any.
func kindTag(kind string) string {
	switch kind {
	case "insider":
		return report.TagInternalParty
	case "phishing":
		return report.TagCyberattack
	case "lost_device":
		return report.TagUnencryptedDevice
	case "unauthorized_access":
		return report.KindUnauthorizedUse
	}
	return ""
}

func reportKinds(kinds []string) []string {
	out := append([]string(nil), kinds...)
	seen := map[string]bool{}
	for _, k := range kinds {
		seen[k] = true
	}
	for _, k := range kinds {
		if t := kindTag(k); t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// reportBreach is the breach as the documents print it. Facts the breach
// record has no column for are read from the assessment answers of the same
// name (e.g. "how_discovered", "safeguards").
func reportBreach(b breach.Breach) report.Breach {
	answers := make(map[string]string, len(b.Answers))
	for _, a := range b.Answers {
		answers[a.QuestionID] = a.Value
	}
	fromAssessment(answers)
	events := make([]report.Event, len(b.Events))
	for i, e := range b.Events {
		events[i] = report.Event{Kind: e.Kind, At: e.At.UTC(), Zone: e.Zone, Note: e.Note}
	}
	a := func(key string) string { return strings.TrimSpace(answers[key]) }
	return report.Breach{
		Reference: b.Reference, Title: b.Title, Description: b.Description, Cause: b.Cause,
		Nature: strings.Join(b.Nature, ", "), Kinds: reportKinds(b.Kinds), DataCategories: b.DataCategories,
		SubjectCategories: splitList(a("subject_categories")), Events: events, Answers: answers,
		HowDiscovered: a("how_discovered"), Location: a("location"), OtherOrganizations: a("other_organizations"),
		AgentsResponsible: a("agents_responsible"), Containment: b.Containment, Mitigation: b.Mitigation,
		Prevention: a("prevention"), HarmAssessment: a("harm_assessment"), NotificationSteps: a("notification_steps"),
		IndividualSteps: a("individual_steps"), Safeguards: a("safeguards"), LawEnforcement: a("law_enforcement"),
		DelayReason: a("delay_reason"), MonetaryImpact: a("monetary_impact"),
		Records: atoi(a("records")), AffectedEstimate: atoi(a("affected_estimate")),
	}
}

// phipaCircumstances words the O. Reg. 329/04 s.6.3 categories of the
// catalogue's phipa_ipc_category question as the IPC form asks for them.
var phipaCircumstances = map[string]string{
	"knowing_or_reckless":  "s.6.3(1)1: use or disclosure without authority by a person who knew or ought to have known",
	"theft":                "s.6.3(1)2: the information was stolen",
	"further_use":          "s.6.3(1)3: further use or disclosure without authority after an initial breach",
	"pattern":              "s.6.3(1)4: part of a pattern of similar breaches",
	"college_notice":       "s.6.3(1)5: notice to a College is required (PHIPA s.17.1)",
	"agent_college_notice": "s.6.3(1)6: notice to a College would be required if the agent were a member",
	"significant":          "s.6.3(1)7: the custodian determined the breach is significant",
	"none":                 "none of the s.6.3 circumstances applies",
}

// fromAssessment fills the filing fields that the legal assessment already
// answers, unless answered directly: the PHIPA s.6.3 circumstance from
// phipa_ipc_category and the real-risk-of-significant-harm conclusion from
// rrosh, so that a privacy officer never answers the same thing twice.
func fromAssessment(answers map[string]string) {
	if answers[report.AnswerPHIPACircumstance] == "" {
		if words, ok := phipaCircumstances[answers["phipa_ipc_category"]]; ok {
			answers[report.AnswerPHIPACircumstance] = words
		}
	}
	if answers[report.AnswerRiskOfHarm] == "" {
		switch strings.ToLower(answers["rrosh"]) {
		case "true", "yes":
			answers[report.AnswerRiskOfHarm] = "Yes: there is a real risk of significant harm"
		case "false", "no":
			answers[report.AnswerRiskOfHarm] = "No: no real risk of significant harm was found"
		}
	}
}

// categoryNames turns data-category ids into the names a regulator reads
// ("Health card number", not "health_card"); an id without a name stays.
func (s *Service) categoryNames(ctx context.Context, tx *gorm.DB, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return ids, nil
	}
	cats, err := s.deps.Breaches.CategoryList(ctx, tx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(cats))
	for _, c := range cats {
		names[c.ID] = c.Name
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if n := names[id]; n != "" {
			out[i] = n
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
