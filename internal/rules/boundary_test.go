package rules

import (
	"testing"
	"time"
)

type boundaryCase struct {
	name     string
	facts    Facts
	key      string
	required *bool
	due      string // RFC 3339; "" = no due
}

func yes() *bool { return boolPtr(true) }
func no() *bool  { return boolPtr(false) }

func runBoundary(t *testing.T, cases []boundaryCase) {
	t.Helper()
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := findObligation(Evaluate(cat, tc.facts, opts), tc.key)
			if o == nil {
				t.Fatalf("%s not in result", tc.key)
			}
			if !sameBool(o.Required, tc.required) {
				t.Errorf("required = %s, want %s (%s)", boolText(o.Required), boolText(tc.required), o.Explanation)
			}
			var want *string
			if tc.due != "" {
				want = &tc.due
			}
			checkInstant(t, tc.key+" due", dateOf(o), want)
		})
	}
}

func stateCount(region string, n int) Facts {
	f := stateFacts(region, "America/Chicago", n, "discovered", "2026-03-02", "determined", "2026-03-02")
	return f
}

func hipaaFacts(discovered string, regions ...any) Facts {
	return Facts{Organization: org("US-NY", "America/New_York", "hipaa_covered_entity"), Events: ev("discovered", discovered),
		Affected: aff(regions...), DataCategories: []string{"health"},
		Answers: answers{"hipaa_unsecured_phi": true, "hipaa_low_probability": false}}
}

func TestThresholdBoundaries(t *testing.T) {
	t.Parallel()
	kr := func(n int) Facts {
		return Facts{Organization: org("KR", "Asia/Seoul", "controller"), Events: ev("aware", "2025-11-03T09:00:00+09:00"),
			Affected: aff("KR", n), DataCategories: []string{"name"}, Kinds: []string{"unauthorized_disclosure"}}
	}
	jp := func(n int) Facts {
		return Facts{Organization: org("JP", "Asia/Tokyo", "controller"), Events: ev("aware", "2025-11-04T09:00:00+09:00"),
			Affected: aff("JP", n), DataCategories: []string{"name"}, Kinds: []string{"unauthorized_disclosure"}}
	}
	runBoundary(t, []boundaryCase{
		{"TX 249 below >=250", stateCount("US-TX", 249), "US-TX/ag", no(), ""},
		{"TX 250 meets >=250", stateCount("US-TX", 250), "US-TX/ag", yes(), "2026-04-01T23:59:59-05:00"},
		{"OR 250 not >250", stateCount("US-OR", 250), "US-OR/ag", no(), ""},
		{"OR 251 >250", stateCount("US-OR", 251), "US-OR/ag", yes(), "2026-04-16T23:59:59-05:00"},
		{"HHS 499", hipaaFacts("2025-03-03", "US-NY", 499), "US-HIPAA-HHS500", no(), ""},
		{"HHS 500 total", hipaaFacts("2025-03-03", "US-NY", 250, "US-NJ", 250), "US-HIPAA-HHS500", yes(), "2025-05-02T23:59:59-04:00"},
		{"media 500 one state", hipaaFacts("2025-03-03", "US-NY", 500), "US-HIPAA-MEDIA@US-NY", no(), ""},
		{"media 501 one state", hipaaFacts("2025-03-03", "US-NY", 501), "US-HIPAA-MEDIA@US-NY", yes(), "2025-05-02T23:59:59-04:00"},
		{"media 1000 split, NY", hipaaFacts("2025-03-03", "US-NY", 500, "US-NJ", 500), "US-HIPAA-MEDIA@US-NY", no(), ""},
		{"media 1000 split, NJ", hipaaFacts("2025-03-03", "US-NY", 500, "US-NJ", 500), "US-HIPAA-MEDIA@US-NJ", no(), ""},
		{"KR 999", kr(999), "KR-PIPA-PIPC", no(), ""},
		{"KR 1000", kr(1000), "KR-PIPA-PIPC", yes(), "2025-11-06T09:00:00+09:00"},
		{"JP 1000 not >1000", jp(1000), "JP-APPI-PPC-FIN", no(), ""},
		{"JP 1001", jp(1001), "JP-APPI-PPC-FIN", yes(), "2025-12-03T23:59:59+09:00"},
		{"unknown count", Facts{Organization: org("US-TX", "America/Chicago"), Events: ev("determined", "2026-03-02"),
			DataCategories: []string{"ssn"}}, "US-TX/ag", nil, "2026-04-01T23:59:59-05:00"},
	})
}

func TestEffectiveDateBoundaries(t *testing.T) {
	t.Parallel()
	pecr := func(aware string) Facts {
		return Facts{Organization: org("GB", "Europe/London", "pecs_provider"), Events: ev("aware", aware)}
	}
	hbnr := func(d string) Facts {
		return Facts{Organization: org("US-CA", "America/Los_Angeles", "phr_vendor"), Events: ev("discovered", d),
			Affected: aff("US-CA", 600), DataCategories: []string{"health"}}
	}
	india := func(aware string) Facts {
		return Facts{Organization: org("IN-KA", "Asia/Kolkata", "controller"), Events: ev("aware", aware), Affected: aff("IN-KA", 10)}
	}
	runBoundary(t, []boundaryCase{
		{"PECR last 24h day", pecr("2025-08-19T23:30:00+01:00"), "UK-PECR-ICO", yes(), "2025-08-20T23:30:00+01:00"},
		{"PECR first 72h day", pecr("2025-08-20T00:30:00+01:00"), "UK-PECR-ICO", yes(), "2025-08-23T00:30:00+01:00"},
		{"HBNR old rule last day", hbnr("2024-07-28"), "US-FTC-HBNR-FTC", yes(), "2024-08-09T23:59:59-07:00"},
		{"HBNR new rule first day", hbnr("2024-07-29"), "US-FTC-HBNR-FTC", yes(), "2024-09-27T23:59:59-07:00"},
		{"NY before 30-day rule", stateFacts("US-NY", "America/New_York", 10, "discovered", "2024-12-20"), "US-NY/individuals", yes(), ""},
		{"NY first 30-day day", stateFacts("US-NY", "America/New_York", 10, "discovered", "2024-12-21"), "US-NY/individuals", yes(), "2025-01-20T23:59:59-05:00"},
		{"India r.7 day before", india("2027-05-12T23:00:00+05:30"), "IN-DPDP-BOARD/report", no(), ""},
		{"India r.7 first day", india("2027-05-13T00:30:00+05:30"), "IN-DPDP-BOARD/report", yes(), "2027-05-16T00:30:00+05:30"},
	})
}

func TestDSTAndLeapYears(t *testing.T) {
	t.Parallel()
	gdpr := Facts{Organization: org("DE", "Europe/Berlin", "controller"), Events: ev("aware", "2026-03-28T10:00:00+01:00"),
		Affected: aff("DE", 10), Answers: answers{"gdpr_risk": "risk"}}
	bank := Facts{Organization: org("US-NY", "America/New_York", "banking_organization"), Events: ev("determined", "2025-11-01T20:00:00-04:00"),
		Answers: answers{"bank_notification_incident": true}}
	rec := func(d string) Facts {
		return Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("determined", d), Affected: aff("CA-ON", 1)}
	}
	runBoundary(t, []boundaryCase{
		{"GDPR across spring-forward", gdpr, "EU-GDPR-SA", yes(), "2026-03-31T11:00:00+02:00"},
		{"bank 36h across fall-back", bank, "US-BANK-36H", yes(), "2025-11-03T07:00:00-05:00"},
		{"HHS log into leap year", hipaaFacts("2027-06-01", "US-NY", 20), "US-HIPAA-HHSLOG", yes(), "2028-02-29T23:59:59-05:00"},
		{"HHS log common year", hipaaFacts("2025-06-01", "US-NY", 20), "US-HIPAA-HHSLOG", yes(), "2026-03-01T23:59:59-05:00"},
		{"record from Feb 29", rec("2024-02-29"), "CA-PIPEDA-REC", yes(), "2026-02-28T23:59:59-05:00"},
	})
}

func TestOverdueAndInternalTarget(t *testing.T) {
	t.Parallel()
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	f := Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("determined", "2026-02-16T09:00:00-05:00"),
		Affected: aff("CA-ON", 5), Answers: answers{"rrosh": true}}
	res := Evaluate(cat, f, opts)
	opc := findObligation(res, "CA-PIPEDA-OPC")
	if opc == nil || opc.Due != nil || opc.InternalTarget == nil {
		t.Fatalf("OPC: want no due and an internal target, got %+v", opc)
	}
	if want := time.Date(2026, 2, 19, 9, 0, 0, 0, time.UTC).Add(5 * time.Hour); !opc.InternalTarget.Equal(want) {
		t.Errorf("internal target = %s, want %s", opc.InternalTarget, want)
	}
}

// TestInternalTargetFromTheFacts: an assessment of facts that are not
// stored (the CLI, the assessments API) takes the organization's target
// from the facts when the options give none.
func TestInternalTargetFromTheFacts(t *testing.T) {
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	opts.InternalTarget = 0
	f := Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("determined", "2026-02-16T09:00:00-05:00"),
		Affected: aff("CA-ON", 5), Answers: answers{"rrosh": true}}
	if o := findObligation(Evaluate(cat, f, opts), "CA-PIPEDA-OPC"); o.InternalTarget != nil {
		t.Errorf("no target anywhere: got %v", o.InternalTarget)
	}
	f.Organization.InternalTargetHours = 48
	o := findObligation(Evaluate(cat, f, opts), "CA-PIPEDA-OPC")
	if want := "2026-02-18T09:00:00-05:00"; o.InternalTarget == nil || o.InternalTarget.Format(time.RFC3339) != want {
		t.Errorf("target %v, want %s (48 hours after determination)", o.InternalTarget, want)
	}
}
