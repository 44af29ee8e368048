package report

import (
	"fmt"
	"time"
	_ "time/tzdata" // the fixtures use America/Toronto on any machine
)

var toronto = mustZone("America/Toronto")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// fullInput is a breach with every item known, each with a distinctive value.
func fullInput() Input {
	due := at("2025-03-06T17:00:00Z")
	return Input{
		Org: Organization{
			Name: "Northfield Police Service", LegalName: "Northfield Police Services Board",
			EnterpriseNumber: "1170000001", Address: "100 Main Street, Northfield ON K1A 0B1",
			ContactName: "Dana Okafor", ContactTitle: "Privacy Officer", ContactEmail: "privacy@northfield.example",
			ContactPhone: "+1 613 555 0100", TimeZone: "America/Toronto", Sectors: []string{"public"},
		},
		Breach: Breach{
			Reference: "BR-2025-0007", Title: "Misdirected disclosure report",
			Description: "An analyst e-mailed an occurrence report to the wrong distribution list.",
			Cause:       "Auto-complete selected a similarly named external list.",
			Nature:      "confidentiality", Kinds: []string{KindUnauthorizedDisclosure, TagMisdirected},
			DataCategories:    []string{"names", "dates of birth", "occurrence details"},
			SubjectCategories: []string{"complainants", "witnesses"},
			Events: []Event{
				{Kind: EventOccurred, At: at("2025-02-27T14:10:00Z"), Zone: "America/Toronto", Note: "e-mail sent"},
				{Kind: EventEnded, At: at("2025-02-27T15:00:00Z"), Zone: "America/Toronto"},
				{Kind: EventDiscovered, At: at("2025-02-28T13:30:00Z"), Zone: "America/Toronto", Note: "recipient called"},
				{Kind: EventAware, At: at("2025-02-28T14:00:00Z"), Zone: "America/Toronto"},
				{Kind: EventDetermined, At: at("2025-03-01T16:00:00Z"), Zone: "America/Toronto"},
				{Kind: EventContained, At: at("2025-03-01T18:00:00Z"), Zone: "America/Toronto"},
				{Kind: EventIndividualsNotified, At: at("2025-03-04T15:00:00Z"), Zone: "America/Toronto"},
			},
			Answers: map[string]string{
				AnswerPHIPACircumstance:  "Used or disclosed without authority by a person who knew or ought to have known",
				AnswerRiskOfHarm:         "Yes: real risk of significant harm",
				AnswerCyberIncident:      "No",
				AnswerHIPAAEntityType:    "Healthcare Provider",
				AnswerBusinessAssociate:  "Harbour Billing LLC handled the mailing",
				AnswerSubstituteNotice:   "Website notice for 90 days",
				AnswerMediaNotice:        "Press release to regional outlets",
				AnswerOutsideBodies:      "Aucun organisme hors Québec",
				AnswerRemediationService: "Credit monitoring for 24 months through Equifax",
				"no_rrosh_reason":        "Recipients confirmed deletion within the hour",
			},
			HowDiscovered:      "A recipient telephoned the records unit.",
			Location:           "Email",
			OtherOrganizations: "No other institution was involved.",
			AgentsResponsible:  "One analyst, acting in error.",
			Containment:        "Recall of the message and written deletion confirmations from all recipients.",
			Mitigation:         "Individuals offered a call with the privacy office.",
			Prevention:         "External addresses removed from auto-complete.",
			HarmAssessment:     "Sensitive occurrence details; low likelihood of misuse by recipients.",
			NotificationSteps:  "Letters mailed to every affected person.",
			IndividualSteps:    "Watch for unexpected contact and report it.",
			Safeguards:         "Mandatory classification labels on e-mail.",
			LawEnforcement:     "Not investigated by law enforcement.",
			DelayReason:        "Reported within the time allowed.",
			MonetaryImpact:     "USD 12,500",
			Records:            57,
		},
		Obligation: &Obligation{RuleID: "ON-PHIPA-IPC", Version: "1", Recipient: "IPC", Jurisdiction: "CA-ON",
			Citation: "PHIPA s.12(3)", Status: "pending", Due: &due, FilingReference: "PR25-00042"},
		Obligations: []Obligation{
			{RuleID: "ON-PHIPA-IPC", Version: "1", Recipient: "IPC Ontario", Jurisdiction: "CA-ON", Citation: "PHIPA s.12(3)", Status: "pending", Due: &due},
			{RuleID: "ON-PHIPA-IND", Version: "1", Recipient: "affected individuals", Jurisdiction: "CA-ON", Citation: "PHIPA s.12(2)", Status: "filed",
				Standard: "at the first reasonable opportunity", FiledAt: ptr(at("2025-03-04T15:00:00Z")), FilingReference: "letters batch 1"},
		},
		Roster: RosterStats{Total: 1234, ByRegion: map[string]int{"CA-ON": 1000, "CA-QC": 200, "US-TX": 30, "US-CA": 4},
			ByLanguage: map[string]int{"en": 1100, "fr": 134}, ByChannel: map[string]int{"email": 900, "postal": 334}, Minors: 12},
		Deliveries: DeliveryStats{Total: 1234, ByStatus: map[string]int{"sent": 1200, "failed": 20, "bounced": 14},
			ByChannel: map[string]int{"email": 900, "postal": 334}, FirstSent: ptr(at("2025-03-04T15:00:00Z")), LastSent: ptr(at("2025-03-05T20:00:00Z"))},
		Stage:       StageUpdate,
		GeneratedAt: at("2025-03-05T21:15:00Z"),
		Zone:        toronto,
		DocumentID:  "DOC-7f3a9c",
		PreparedBy:  Person{Name: "Dana Okafor", Role: "Privacy Officer"},
		State:       "TX",
	}
}

// registerEntries makes n breaches, one every six hours from 2025-01-01.
func manyEntries(n int) []RegisterEntry {
	out := make([]RegisterEntry, n)
	start := at("2025-01-01T12:00:00Z")
	for i := range out {
		when := start.Add(time.Duration(i) * 6 * time.Hour)
		out[i] = RegisterEntry{
			Breach: Breach{
				Reference: fmt.Sprintf("BR-%05d", i), Title: fmt.Sprintf("Incident %d", i),
				Description:    "A laptop holding scheduling records was left on public transit and not recovered.",
				DataCategories: []string{"names", "appointment dates"},
				Kinds:          []string{KindLoss, TagUnencryptedDevice},
				Events:         []Event{{Kind: EventOccurred, At: when}, {Kind: EventAware, At: when.Add(2 * time.Hour)}},
				Containment:    "Device wiped remotely.",
			},
			Affected:       10 + i%90,
			Notifiable:     ptr(i%3 == 0),
			RiskAssessment: "Encrypted at rest: no",
		}
	}
	return out
}
