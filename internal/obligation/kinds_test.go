package obligation

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// TestOnlyADutyIsOverdue: whatever dates a row carries, only an open,
// required duty past its due time is overdue; a record kept until a date,
// a permitted step and a regulator's practice date never are. Only a duty
// with no fixed date and a practice date can be past their target.
func TestOnlyADutyIsOverdue(t *testing.T) {
	yes, now := true, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	past := now.Add(-30 * 24 * time.Hour)
	cases := []struct {
		kind                  string
		due, until, target    *time.Time
		overdue, targetPassed bool
	}{
		{kind: rules.KindDuty, due: &past, overdue: true},
		{kind: "", due: &past, overdue: true}, // stored before kinds existed
		{kind: rules.KindDuty, target: &past, targetPassed: true},
		{kind: rules.KindTarget, target: &past, targetPassed: true},
		{kind: rules.KindTarget, due: &past},
		{kind: rules.KindRetention, until: &past},
		{kind: rules.KindRetention, due: &past, target: &past},
		{kind: rules.KindPermitted, until: &past},
		{kind: rules.KindPermitted, due: &past, target: &past},
	}
	for _, c := range cases {
		o := Obligation{Kind: c.kind, Required: &yes, Applies: &yes, Considered: true, Status: StatusPending,
			DueAt: c.due, UntilAt: c.until, InternalTargetAt: c.target}
		mark(&o, now)
		if o.Overdue != c.overdue || o.TargetPassed != c.targetPassed {
			t.Errorf("%q due=%v until=%v target=%v: overdue %v, target passed %v; want %v, %v",
				c.kind, c.due != nil, c.until != nil, c.target != nil, o.Overdue, o.TargetPassed, c.overdue, c.targetPassed)
		}
	}
}

// kindsCatalogue is a small catalogue with a federal duty, a state duty a
// checked deemed-compliant clause satisfies by it, a permitted step and a
// per-region duty.
func kindsCatalogue(t *testing.T) *rules.Catalogue {
	t.Helper()
	vocab, err := os.ReadFile("../../config/regulations/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := rules.Load(fstest.MapFS{
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
  - {id: FED, version: "1", jurisdiction: US, scope: ["*"], recipient: {kind: individual, name: I}, clock: {anchor: discovered, calendar_days: 60}, citation: f, status: verified}
  - {id: US-ZZ, part: individuals, version: "1", jurisdiction: US-ZZ, profile: US-ZZ, recipient: {kind: individual, name: Z}, trigger: {affected: [US-ZZ]}, clock: {anchor: discovered, calendar_days: 30}, citation: "Z Code §1", status: verified}
  - {id: MAY, version: "1", kind: permitted, jurisdiction: US, scope: ["*"], recipient: {kind: third_party, name: "those who can reduce the risk"}, clock: {anchor: discovered, none: true, standard: "may notify"}, citation: m, status: verified}
  - {id: MEDIA, version: "1", jurisdiction: US, scope: ["*"], recipient: {kind: media, name: "media serving {region}"}, per_region: {each: US, op: ">", value: 2}, clock: {anchor: discovered, calendar_days: 60}, citation: "45 CFR 164.406(a)", status: verified}
`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestSatisfiedByPermittedAndPerRegionRows: the state duty a checked
// "deemed compliant" clause satisfies links to the federal duty's row and
// has no date of its own, never overdue; a permitted step that applies is
// pending (it may be done or waived), never "not required", and listed
// after the required duties; a per-region duty is one row per region with
// its count, and says why once nobody there is affected any more.
func TestSatisfiedByPermittedAndPerRegionRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cals, err := clock.LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		f := &fixture{t: t, d: d, now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
		f.s = NewService(d.Gorm, kindsCatalogue(t), cals, Deps{Breaches: breach.Reader{}, Orgs: auth.Reader{}, Counts: roster.CountReader{}, Documents: documentsTable{}})
		f.s.Now = func() time.Time { return f.now }
		if err := breach.SeedCategories(ctx, d.Gorm, []breach.Category{{ID: "health", Name: "Health", Regimes: []string{}, RuleCategories: []string{"health"}}}); err != nil {
			t.Fatal(err)
		}
		f.org = auth.Organization{Slug: "clinic", Name: "Clinic", Roles: []string{"hipaa_covered_entity"}, Sectors: []string{"health"},
			HomeJurisdiction: "US-ZZ", TimeZone: "America/New_York", InternalTargetHours: 72}
		if err := d.Gorm.Create(&f.org).Error; err != nil {
			t.Fatal(err)
		}
		b := breach.Breach{OrganizationID: f.org.ID, Reference: "BR-2026-0001", Title: "Test", Status: "open",
			Nature: []string{}, Kinds: []string{"unauthorized_access"}, DataCategories: []string{"health"}}
		if err := d.Gorm.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		f.breach = b.ID
		f.event("discovered", "2026-01-05T09:00:00-05:00")
		f.people("US-ZZ", 3)
		f.reevaluate("first")

		u := auth.User{Email: "po@clinic.example", Name: "PO"}
		if err := d.Gorm.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{User: u, Memberships: map[int64]auth.Role{f.org.ID: auth.RolePrivacyOfficer}}
		list, err := f.s.List(ctx, p, f.breach)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]Obligation{}
		var order []string
		for _, o := range list.Obligations {
			byKey[o.RuleKey] = o
			order = append(order, o.RuleKey)
		}
		state, fed := byKey["US-ZZ/individuals"], byKey["FED"]
		if state.SatisfiedBy != "FED" || state.SatisfiedByID == nil || *state.SatisfiedByID != fed.ID || state.DueAt != nil ||
			state.InternalTargetAt != nil || state.Overdue || state.TargetPassed || state.Required == nil || !*state.Required {
			t.Fatalf("state duty satisfied by the federal one: %+v", state)
		}
		one, err := f.s.Get(ctx, p, f.breach, state.ID)
		if err != nil || one.SatisfiedByID == nil || *one.SatisfiedByID != fed.ID {
			t.Fatalf("one obligation read: %+v %v", one, err)
		}
		may := byKey["MAY"]
		if may.Kind != rules.KindPermitted || may.Status != StatusPending || may.Applies == nil || !*may.Applies || may.Required == nil || *may.Required {
			t.Fatalf("permitted step: %+v", may)
		}
		media := byKey["MEDIA@US-ZZ"]
		if media.Region != "US-ZZ" || media.Count == nil || *media.Count != 3 || media.Recipient.Name == "media serving {region}" ||
			media.Required == nil || !*media.Required {
			t.Fatalf("per-region duty: %+v", media)
		}
		if strings.Index(strings.Join(order, " "), "MAY") < strings.Index(strings.Join(order, " "), "MEDIA@US-ZZ") {
			t.Fatalf("the permitted step is listed before a required duty: %v", order)
		}
		dl, err := f.s.Deadlines(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range dl {
			if x.RuleKey == "MAY" {
				t.Fatal("a permitted step is a deadline")
			}
		}

		f.exec("DELETE FROM affected_people WHERE breach_id = ?", f.breach)
		if err := roster.RefreshCounts(ctx, d.Gorm, f.breach); err != nil {
			t.Fatal(err)
		}
		f.reevaluate("people removed")
		gone, _ := f.obligation("MEDIA@US-ZZ")
		if gone.Considered || !strings.Contains(gone.Explanation, "nobody affected lives in") {
			t.Fatalf("per-region duty after its people left: %+v", gone)
		}
	})
}

// TestUpgradedRowsRecordOnlyRealChanges: a row stored before kinds existed
// (no kind beyond the default, no "applies") re-evaluated to the same duty
// records no change of whether it is required.
func TestUpgradedRowsRecordOnlyRealChanges(t *testing.T) {
	yes := true
	before := &Snapshot{Version: "1", Kind: rules.KindDuty, Required: &yes, Considered: true, Status: StatusPending}
	after := *before
	after.Applies = &yes
	if got := diff(before, &after); len(got) != 0 {
		t.Fatalf("changes %v", got)
	}
	no := false
	permitted := &Snapshot{Version: "1", Kind: rules.KindPermitted, Applies: &yes, Required: &no, Considered: true, Status: StatusPending}
	now := *permitted
	now.Applies = &no
	if got := diff(permitted, &now); len(got) != 1 || got[0] != "required_changed" {
		t.Fatalf("a permitted step that no longer applies: %v", got)
	}
}
