package demo

import (
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
)

type orgSpec struct {
	slug, name, legal, zone, home, officer, counsel, address, phone string
	sectors, roles                                                  []string
	breaches                                                        []breachSpec
}

func (s orgSpec) input() auth.OrgInput {
	email := "privacy@" + s.slug + ".example"
	target := 72
	return auth.OrgInput{Slug: &s.slug, Name: &s.name, LegalName: &s.legal, Sectors: &s.sectors, Roles: &s.roles,
		HomeJurisdiction: &s.home, TimeZone: &s.zone, InternalTargetHours: &target, ContactName: &s.officer,
		ContactEmail: &email, ContactPhone: &s.phone, Address: &s.address}
}

// event is an offset before "now" at a local hour.
type event struct {
	kind      string
	daysAgo   int
	hour, min int
	note      string
}

type breachSpec struct {
	title, description, cause, containment string
	nature, kinds, categories              []string
	events                                 []event
	answers                                map[string]string
	people                                 []regionShare
}

// regionShare is how many people of a breach live in a region.
type regionShare struct {
	region string
	count  int
}

func (b breachSpec) input(now time.Time, zone string) breach.Input {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	in := breach.Input{Title: &b.title, Description: &b.description, Cause: &b.cause, Containment: &b.containment,
		Nature: &b.nature, Kinds: &b.kinds, DataCategories: &b.categories}
	for _, e := range b.events {
		d := local.AddDate(0, 0, -e.daysAgo)
		at := time.Date(d.Year(), d.Month(), d.Day(), e.hour, e.min, 0, 0, loc)
		in.Events = append(in.Events, breach.EventInput{Kind: e.kind, At: at.Format(time.RFC3339), Zone: zone, Note: e.note})
	}
	return in
}

func organizations() []orgSpec {
	return []orgSpec{
		{
			slug: "northbrook-police", name: "Northbrook Police Service", legal: "Northbrook Police Services Board",
			zone: "America/Toronto", home: "CA-ON", officer: "Dana Whitfield (FOI & Privacy Coordinator)", counsel: "Sam Okafor (Legal Services)",
			address: "100 Constable Way, Northbrook, ON", phone: "+1 905 555 0100",
			sectors: []string{"public"}, roles: []string{"mfippa_institution", "on_public_sector_entity"},
			breaches: []breachSpec{{
				title:       "Occurrence reports e-mailed to the wrong distribution list",
				description: "A records clerk sent 38 occurrence reports, including names of victims and witnesses, to an external community-partners list instead of the internal Crown brief list.",
				cause:       "Auto-complete selected an external list with a similar name.",
				containment: "Recall attempted; all 14 external recipients asked to delete and confirm in writing; 12 confirmations received.",
				nature:      []string{"confidentiality"}, kinds: []string{"unauthorized_disclosure"},
				categories: []string{"name", "contact", "date_of_birth", "criminal"},
				events: []event{{"occurred", 9, 16, 42, "Message sent"}, {"discovered", 9, 17, 5, "Recipient replied to flag it"},
					{"aware", 8, 9, 0, "FOI coordinator briefed"}, {"contained", 6, 15, 0, ""}},
				answers: map[string]string{"rrosh": "true", "statutory_duty_mfippa": "false"},
				people:  []regionShare{{"CA-ON", 412}},
			}},
		},
		{
			slug: "lakeshore-bay", name: "City of Lakeshore Bay", legal: "The Corporation of the City of Lakeshore Bay",
			zone: "America/Toronto", home: "CA-ON", officer: "Priya Raman (Clerk & Privacy Officer)", counsel: "Marc Bélanger (City Solicitor)",
			address: "1 City Hall Square, Lakeshore Bay, ON", phone: "+1 705 555 0142",
			sectors: []string{"public"}, roles: []string{"mfippa_institution", "on_public_sector_entity"},
			breaches: []breachSpec{{
				title:       "Ransomware on the recreation registration and payroll servers",
				description: "Encrypting ransomware ran on two servers. Forensic review found staging of a 4 GB archive from the recreation registration database; exfiltration is not confirmed.",
				cause:       "Compromised VPN account without multi-factor authentication.",
				containment: "Servers isolated, VPN credentials reset, MFA enforced, restored from offline backups.",
				nature:      []string{"confidentiality", "availability"}, kinds: []string{"ransomware", "unauthorized_access"},
				categories: []string{"name", "contact", "date_of_birth", "children", "financial_account", "employment", "sin"},
				events: []event{{"occurred", 21, 2, 15, "Earliest attacker activity in VPN logs"}, {"discovered", 20, 6, 40, "Help desk reports encrypted shares"},
					{"aware", 20, 9, 30, "CAO and privacy officer briefed"}, {"determined", 12, 14, 0, "Forensic report: registration DB staged for exfiltration"},
					{"reported_to_police", 19, 11, 0, "Reported to Ontario Provincial Police"}},
				answers: map[string]string{"rrosh": "true", "cyber_security_incident": "true", "qc_serious_injury_risk": "unknown"},
				people:  []regionShare{{"CA-ON", 1788}, {"CA-QC", 6}, {"US-NY", 4}},
			}},
		},
		{
			slug: "riverside-fht", name: "Riverside Family Health Team", legal: "Riverside Family Health Team Inc.",
			zone: "America/Toronto", home: "CA-ON", officer: "Dr. Helen Ashcombe (Privacy Officer)", counsel: "Jordan Lee (Health Law Counsel)",
			address: "250 Riverside Drive, Suite 3, Riverside, ON", phone: "+1 613 555 0175",
			sectors: []string{"health"}, roles: []string{"hic"},
			breaches: []breachSpec{
				{
					title:       "Unencrypted laptop stolen from a clinician's car",
					description: "A laptop holding a spreadsheet of diabetes clinic patients (names, health card numbers, HbA1c results) was stolen from a parked car.",
					cause:       "Full-disk encryption had not been enabled on a replacement laptop.",
					containment: "Device remotely locked; police report filed; encryption audit of all devices.",
					nature:      []string{"confidentiality"}, kinds: []string{"theft"},
					categories: []string{"name", "health_card", "health", "date_of_birth"},
					events: []event{{"occurred", 5, 19, 30, "Theft from vehicle"}, {"discovered", 4, 7, 50, ""}, {"aware", 4, 8, 30, ""},
						{"reported_to_police", 4, 10, 15, ""}},
					answers: map[string]string{"phipa_ipc_category": "theft"},
					people:  []regionShare{{"CA-ON", 263}},
				},
				{
					title:       "Lab results faxed to the wrong clinic",
					description: "One patient's lab requisition was faxed to a pharmacy instead of a specialist; the pharmacy confirmed it shredded the page.",
					cause:       "Transposed digits in the fax number.",
					containment: "Recipient confirmed secure destruction the same day.",
					nature:      []string{"confidentiality"}, kinds: []string{"unauthorized_disclosure"},
					categories: []string{"name", "health"},
					events:     []event{{"occurred", 2, 11, 5, ""}, {"discovered", 2, 11, 40, ""}, {"aware", 2, 12, 0, ""}, {"contained", 2, 15, 0, ""}},
					people:     []regionShare{{"CA-ON", 1}},
				},
			},
		},
		{
			slug: "maple-ledger", name: "Maple Ledger Financial", legal: "Maple Ledger Financial Inc.",
			zone: "America/Toronto", home: "CA-ON", officer: "Alexandre Tremblay (Chief Privacy Officer)", counsel: "Ruth Castellanos (General Counsel)",
			address: "77 King Street West, Toronto, ON", phone: "+1 416 555 0199",
			sectors: []string{"finance"}, roles: []string{"commercial_org"},
			breaches: []breachSpec{{
				title:       "Customer statements exposed through a misconfigured storage bucket",
				description: "A cloud storage bucket holding PDF account statements was publicly readable for 11 days. Access logs show downloads from two unknown IP addresses.",
				cause:       "A deployment template removed the bucket's private access policy.",
				containment: "Bucket made private; logs preserved; credential monitoring offered.",
				nature:      []string{"confidentiality"}, kinds: []string{"unauthorized_access"},
				categories: []string{"name", "contact", "financial_account", "sin", "ssn", "date_of_birth"},
				events: []event{{"occurred", 30, 13, 0, "Policy change deployed"}, {"discovered", 19, 10, 20, "Security researcher report"},
					{"aware", 19, 11, 0, ""}, {"determined", 15, 16, 30, "Downloads confirmed from access logs"}, {"contained", 19, 11, 45, ""}},
				answers: map[string]string{"rrosh": "true", "qc_serious_injury_risk": "true", "third_party_can_mitigate": "true"},
				people: []regionShare{{"CA-ON", 1120}, {"CA-QC", 310}, {"CA-BC", 205}, {"CA-AB", 160}, {"CA-NS", 40},
					{"US-NY", 180}, {"US-TX", 95}, {"US-CA", 130}, {"US-FL", 60}, {"US-MA", 35}, {"US-WA", 28}, {"US-VT", 3}},
			}},
		},
	}
}
