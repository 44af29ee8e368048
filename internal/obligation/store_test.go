package obligation

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/roster"
)

// fixture is a stored organization and breach with the service on them.
type fixture struct {
	t      testing.TB
	d      *db.DB
	s      *Service
	org    auth.Organization
	breach int64
	now    time.Time
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cals, err := clock.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d, now: time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC)}
	f.s = NewService(d.Gorm, catalogue(t), cals, Deps{Breaches: breach.Reader{}, Orgs: auth.Reader{}, Counts: roster.CountReader{}, Documents: documentsTable{}})
	f.s.Now = func() time.Time { return f.now }
	f.org = auth.Organization{Slug: "acme", Name: "Acme", Sectors: []string{"technology"}, Roles: []string{"controller"},
		HomeJurisdiction: "CA-ON", TimeZone: "America/Toronto", InternalTargetHours: 48}
	if err := d.Gorm.WithContext(ctx).Create(&f.org).Error; err != nil {
		t.Fatal(err)
	}
	b := breach.Breach{OrganizationID: f.org.ID, Reference: "BR-2025-0001", Title: "Test", Status: "open",
		Nature: []string{}, Kinds: []string{"unauthorized_access"}, DataCategories: []string{"name", "health_card"}}
	if err := d.Gorm.Create(&b).Error; err != nil {
		t.Fatal(err)
	}
	f.breach = b.ID
	f.event("aware", "2025-10-24T10:00:00-04:00")
	f.exec("INSERT INTO assessment_answers (breach_id, question_id, value, answered_at) VALUES (?, 'gdpr_risk', 'risk', ?)", b.ID, f.now)
	return f
}

// documentsTable reads the documents table the way the document package's
// reader does (which this package's tests cannot import: it imports this
// package).
type documentsTable struct{}

func (documentsTable) OfBreach(ctx context.Context, tx *gorm.DB, documentID, breachID int64) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Raw("SELECT count(*) FROM documents WHERE id = ? AND breach_id = ?", documentID, breachID).Scan(&n).Error
	return n == 1, err
}

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	if err := f.d.Gorm.Exec(sql, args...).Error; err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

func (f *fixture) event(kind, at string) int64 {
	f.t.Helper()
	ts, err := time.Parse(time.RFC3339, at)
	if err != nil {
		f.t.Fatal(err)
	}
	e := breach.Event{BreachID: f.breach, Kind: kind, At: ts.UTC(), Zone: "America/Toronto", CreatedAt: f.now}
	if err := f.d.Gorm.Create(&e).Error; err != nil {
		f.t.Fatal(err)
	}
	return e.ID
}

// people inserts n affected people of a region straight into the table and
// refreshes the breach's stored counts, as an import does.
func (f *fixture) people(region string, n int) {
	f.t.Helper()
	for i := 0; i < n; i++ {
		f.exec("INSERT INTO affected_people (breach_id, name, region, created_at) VALUES (?, ?, ?, ?)", f.breach, fmt.Sprintf("P%d", i), region, f.now)
	}
	if err := roster.RefreshCounts(context.Background(), f.d.Gorm, f.breach); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) reevaluate(cause string) Summary {
	f.t.Helper()
	sum, err := f.s.ReevaluateBreach(context.Background(), f.breach, cause)
	if err != nil {
		f.t.Fatalf("reevaluate: %v", err)
	}
	return sum
}

func (f *fixture) obligation(key string) (Obligation, bool) {
	f.t.Helper()
	var o Obligation
	err := f.d.Gorm.Where("breach_id = ? AND rule_key = ?", f.breach, key).Take(&o).Error
	if err == gorm.ErrRecordNotFound {
		return o, false
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return o, true
}

func (f *fixture) history(id int64) []History {
	f.t.Helper()
	var hs []History
	if err := f.d.Gorm.Where("obligation_id = ?", id).Order("id").Find(&hs).Error; err != nil {
		f.t.Fatal(err)
	}
	return hs
}

func TestCountsComeFromTheRosterCounts(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.people("CA-ON", 2)
		f.people("", 1)
		f.reevaluate("test")
		if _, ok := f.obligation("EU-GDPR-SA"); ok {
			t.Fatal("GDPR duty created with nobody affected in the EEA and a home outside it")
		}
		f.people("DE", 3)
		counts, err := f.s.affected(context.Background(), d.Gorm, f.breach)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(counts) != "[{CA-ON 2} {DE 3}]" {
			t.Fatalf("counts %v", counts)
		}
		f.reevaluate("people added")
		o, ok := f.obligation("EU-GDPR-SA")
		if !ok || o.Required == nil || !*o.Required || o.Status != StatusPending {
			t.Fatalf("GDPR duty after DE people: %+v", o)
		}
		want := time.Date(2025, 10, 27, 14, 0, 0, 0, time.UTC)
		if o.DueAt == nil || !o.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", o.DueAt, want)
		}
		if d.Dialect == db.SQLite {
			var raw string
			if err := d.SQL.QueryRow("SELECT due_at FROM obligations WHERE id = ?", o.ID).Scan(&raw); err != nil || !strings.HasPrefix(raw, "2025-10-27T14:00:00Z") {
				t.Fatalf("due_at stored as %q (%v), want UTC text so that SQL comparisons order it", raw, err)
			}
		}
		f.exec("DELETE FROM affected_people WHERE region = 'DE'")
		if err := roster.RefreshCounts(context.Background(), d.Gorm, f.breach); err != nil {
			t.Fatal(err)
		}
		f.reevaluate("people removed")
		o, _ = f.obligation("EU-GDPR-SA")
		hs := f.history(o.ID)
		if o.Considered || o.Status != StatusNotRequired || hs[len(hs)-1].Change != "no_longer_considered" {
			t.Fatalf("dropped duty: considered=%v status=%s last change %q", o.Considered, o.Status, hs[len(hs)-1].Change)
		}
	})
}

func TestEventChangeMovesDueAndDecisionSurvives(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.people("FR", 1)
		f.reevaluate("first")
		o, _ := f.obligation("EU-GDPR-SA")
		if n := len(f.history(o.ID)); n != 1 {
			t.Fatalf("history after creation: %d rows", n)
		}
		if sum := f.reevaluate("again"); sum.Changed != 0 || sum.Created != 0 {
			t.Fatalf("re-evaluation of unchanged facts changed something: %+v", sum)
		}
		u := auth.User{Email: "legal@acme.example", Name: "Legal"}
		if err := d.Gorm.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		legal := &auth.Principal{User: u, Memberships: map[int64]auth.Role{f.org.ID: auth.RoleLegal}}
		if _, err := f.s.SetStatus(context.Background(), breach.Call{P: legal}, f.breach, o.ID, StatusInput{Status: StatusWaived, Rationale: "Data were encrypted."}); err != nil {
			t.Fatal(err)
		}
		f.event("aware", "2025-10-23T08:00:00-04:00")
		f.reevaluate("earlier awareness")
		o, _ = f.obligation("EU-GDPR-SA")
		if want := time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC); o.DueAt == nil || !o.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", o.DueAt, want)
		}
		if o.Status != StatusWaived || o.Rationale != "Data were encrypted." {
			t.Fatalf("decision lost: %s %q", o.Status, o.Rationale)
		}
		hs := f.history(o.ID)
		last := hs[len(hs)-1]
		if !strings.Contains(last.Change, "due_moved") || last.Cause != "earlier awareness" || last.Before.Due == nil || !last.Before.Due.Equal(time.Date(2025, 10, 27, 14, 0, 0, 0, time.UTC)) {
			t.Fatalf("history of the move: %+v", last)
		}
		if o.DueAt.Location().String() != "America/Toronto" {
			t.Fatalf("due shown in %s", o.DueAt.Location())
		}
	})
}
