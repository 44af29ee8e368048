package reminder

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// fixture is one database with an organization, its people, a breach and
// an SMTP server to receive reminders.
type fixture struct {
	t      testing.TB
	d      *db.DB
	smtp   *mailtest.Server
	runner *Runner
	org    int64
	breach int64
	n      int
	seed   *dbtest.Seed
}

var t0 = time.Date(2025, 3, 5, 22, 0, 0, 0, time.UTC) // 17:00 in Toronto

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, d: d, smtp: mailtest.Start(t, mailtest.Options{}), seed: dbtest.NewSeed(t, d.Gorm)}
	f.seed.Now = t0
	sender, err := mail.NewSMTP(mail.SMTPOptions{URL: f.smtp.URL(), From: "Breachline <alerts@breachline.test>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f.runner = NewRunner(d.Gorm, duties(t, d), auth.Reader{}, sender, Options{BaseURL: "https://breachline.test",
		Leads: []time.Duration{72 * time.Hour, 24 * time.Hour, 4 * time.Hour},
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.org = f.newOrg("city")
	f.breach = f.newBreach(f.org, "BR-2025-0007")
	return f
}

// duties is the obligations service the reminders read from.
func duties(t testing.TB, d *db.DB) *obligation.Service {
	t.Helper()
	cat, err := rules.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	cals, err := clock.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return obligation.NewService(d.Gorm, cat, cals, obligation.Deps{Breaches: breach.Reader{}, Orgs: auth.Reader{},
		Counts: roster.CountReader{}, Documents: document.Reader{}})
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.d.Gorm.Exec(q, args...).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) id(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.d.Gorm.Raw(q, args...).Scan(&id).Error; err != nil || id == 0 {
		f.t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (f *fixture) newOrg(slug string) int64 {
	return f.seed.Org(dbtest.OrgRow{Slug: slug, Name: "City of " + slug, Zone: "America/Toronto"})
}

func (f *fixture) newBreach(org int64, ref string) int64 {
	return f.seed.Breach(org, dbtest.BreachRow{Reference: ref})
}

// member adds a user with a role and returns the address.
func (f *fixture) member(org int64, email, role string) string {
	f.seed.Member(org, email, role)
	return email
}

// obligation adds a pending obligation of the breach due at due.
func (f *fixture) obligation(breach, _ int64, due time.Time) int64 {
	f.n++
	return f.seed.Obligation(breach, dbtest.ObligationRow{RuleKey: fmt.Sprintf("ON-PHIPA-IPC-%d", f.n), RuleID: "ON-PHIPA-IPC",
		Recipient: `{"kind":"regulator","name":"Information and Privacy Commissioner of Ontario"}`, Required: true, Due: &due,
		Citation: "PHIPA s. 12(2); O. Reg. 329/04 s. 6.3"})
}

func (f *fixture) run(at time.Time) Stats {
	f.t.Helper()
	st, err := f.runner.Run(context.Background(), at)
	if err != nil {
		f.t.Fatalf("run at %s: %v", at, err)
	}
	return st
}

func (f *fixture) count(addr string) int { return len(f.smtp.To(addr)) }
