package rules

import (
	"strings"
	"testing"
	"time"
)

// TestRetentionIsKeepUntilNeverOverdue: PIPEDA s.10.3 and SOR/2018-64 s.6
// say to keep a record of every breach "for 24 months after the day on
// which the organization determines that the breach has occurred". That is
// a date until which the record is kept, not a date by which something is
// due: passing it makes nothing late.
func TestRetentionIsKeepUntilNeverOverdue(t *testing.T) {
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	f := Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("discovered", "2026-02-12", "determined", "2026-02-16"),
		Affected: aff("CA-ON", 5), Answers: answers{"rrosh": false}}
	for _, now := range []time.Time{
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),  // inside the 24 months
		time.Date(2028, 2, 17, 6, 0, 0, 0, time.UTC), // the day after the period ends
	} {
		opts.Now = now
		rec := findObligation(Evaluate(cat, f, opts), "CA-PIPEDA-REC")
		if rec == nil {
			t.Fatal("CA-PIPEDA-REC not in result")
		}
		if rec.Kind != KindRetention || rec.Due != nil || rec.Overdue {
			t.Errorf("now %s: kind %s due %v overdue %v; want a retention record with no due date, never overdue", now, rec.Kind, rec.Due, rec.Overdue)
		}
		want := "2028-02-16T23:59:59-05:00" // 24 months after 2026-02-16, the determination (not discovery on 02-12)
		if rec.Until == nil || rec.Until.Format(time.RFC3339) != want || rec.Anchor != "determined" {
			t.Errorf("keep until %v from %s, want %s from determined", rec.Until, rec.Anchor, want)
		}
		if !strings.Contains(rec.Explanation, "Keep the record until at least 2028-02-16") {
			t.Errorf("explanation does not say keep until: %s", rec.Explanation)
		}
	}
}

// TestBrazilRegisterCountsFromTheRecord: Res. CD/ANPD 15/2024 Art. 10 keeps
// the register entry for five years "from the date of the record", not from
// the controller's knowledge of the incident.
func TestBrazilRegisterCountsFromTheRecord(t *testing.T) {
	cat := loadTestCatalogue(t)
	base := Facts{Organization: org("BR", "America/Sao_Paulo", "controller"), Affected: aff("BR", 10),
		Events: ev("aware", "2025-03-10T10:00:00-03:00")}
	o := findObligation(Evaluate(cat, base, testOptions(t)), "BR-LGPD-REG")
	if o == nil || o.Until != nil || o.Kind != KindRetention {
		t.Fatalf("before the record is made: want no keep-until date, got %+v", o)
	}
	if !strings.Contains(o.Explanation, "not recorded yet") {
		t.Errorf("explanation should ask for the record date: %s", o.Explanation)
	}
	base.Events["record_made"] = "2025-03-20T09:00:00-03:00"
	o = findObligation(Evaluate(cat, base, testOptions(t)), "BR-LGPD-REG")
	if o.Until == nil || o.Until.Format(time.RFC3339) != "2030-03-20T23:59:59-03:00" || o.Anchor != "record_made" {
		t.Errorf("keep until %v from %s, want 2030-03-20T23:59:59-03:00 from record_made", o.Until, o.Anchor)
	}
}

// TestQuebecThirdPartyNoticeIsPermitted: P-39.1 s.3.5 says the enterprise
// "may" notify any person or body that could reduce the risk. It is shown
// as permitted, applying, never required and never overdue.
func TestQuebecThirdPartyNoticeIsPermitted(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("CA-QC", "America/Toronto", "qc_enterprise"), Events: ev("aware", "2025-05-01T10:00:00-04:00"),
		Affected: aff("CA-QC", 40), Answers: answers{"qc_serious_injury_risk": true, "third_party_can_mitigate": true}}
	res := Evaluate(cat, f, testOptions(t))
	o := findObligation(res, "QC-PPIPS-THIRD")
	if o == nil {
		t.Fatal("QC-PPIPS-THIRD not in result")
	}
	if o.Kind != KindPermitted || o.Applies == nil || !*o.Applies || o.Required == nil || *o.Required || o.Overdue || o.Due != nil {
		t.Errorf("want permitted, applying, not required, no due date: %+v", o)
	}
	if !strings.HasPrefix(o.Explanation, "Permitted, not required") {
		t.Errorf("explanation: %s", o.Explanation)
	}
	// Shown apart: after the required and undetermined duties, before
	// the rules that do not apply.
	pos := map[string]int{}
	for i, x := range res.Obligations {
		pos[x.Key()] = i
	}
	if pos["QC-PPIPS-THIRD"] < pos["QC-PPIPS-CAI"] || pos["QC-PPIPS-THIRD"] > pos["CA-PIPEDA-OPC"] {
		t.Errorf("permitted step not listed between required duties and rules that do not apply: %v", pos)
	}
}

// TestFIPPAAnnualIsATarget: FIPPA s.34 sets no date for the annual report;
// March 31 is the IPC's practice (unverified), shown as a target with the
// status note, never as a statutory deadline that goes overdue.
func TestFIPPAAnnualIsATarget(t *testing.T) {
	cat := loadTestCatalogue(t)
	opts := testOptions(t)
	opts.Now = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	f := Facts{Organization: org("CA-ON", "America/Toronto", "fippa_institution"), Events: ev("determined", "2025-09-10"),
		Affected: aff("CA-ON", 12), Kinds: []string{"loss"}}
	o := findObligation(Evaluate(cat, f, opts), "ON-FIPPA-ANNUAL")
	if o == nil || o.Kind != KindTarget || o.Due != nil || o.Overdue {
		t.Fatalf("want a target with no due date, not overdue: %+v", o)
	}
	if o.InternalTarget == nil || o.InternalTarget.Format(time.DateOnly) != "2026-03-31" {
		t.Errorf("target %v, want 2026-03-31", o.InternalTarget)
	}
	if o.StatusNote == "" || !strings.Contains(o.Explanation, "not a statutory deadline") {
		t.Errorf("the unverified date must be said: note %q, explanation %q", o.StatusNote, o.Explanation)
	}
}

// TestRetentionDoesNotStartEarly: SOR/2018-64 s.6 counts the 24 months
// from the day the organization determines the breach occurred. With only
// discovery recorded there is no keep-until date: counting from discovery
// would end the retention too early.
func TestRetentionDoesNotStartEarly(t *testing.T) {
	cat := loadTestCatalogue(t)
	f := Facts{Organization: org("CA-ON", "America/Toronto", "commercial_org"), Events: ev("discovered", "2026-02-12"), Affected: aff("CA-ON", 5)}
	rec := findObligation(Evaluate(cat, f, testOptions(t)), "CA-PIPEDA-REC")
	if rec == nil || rec.Until != nil || rec.InternalTarget != nil || !strings.Contains(rec.Explanation, "determination, which is not recorded yet") {
		t.Errorf("want no date until determination is recorded: %+v", rec)
	}
}
