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
}

var t0 = time.Date(2025, 3, 5, 22, 0, 0, 0, time.UTC) // 17:00 in Toronto

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, d: d, smtp: mailtest.Start(t, mailtest.Options{})}
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
	f.exec("INSERT INTO organizations (slug, name, time_zone, created_at, updated_at) VALUES (?, ?, 'America/Toronto', ?, ?)",
		slug, "City of "+slug, t0, t0)
	return f.id("SELECT id FROM organizations WHERE slug = ?", slug)
}

func (f *fixture) newBreach(org int64, ref string) int64 {
	f.exec("INSERT INTO breaches (organization_id, reference, title, created_at, updated_at) VALUES (?, ?, 'Lost laptop', ?, ?)", org, ref, t0, t0)
	return f.id("SELECT id FROM breaches WHERE organization_id = ? AND reference = ?", org, ref)
}

// member adds a user with a role and returns the address.
func (f *fixture) member(org int64, email, role string) string {
	var uid int64
	f.d.Gorm.Raw("SELECT id FROM users WHERE email = ?", email).Scan(&uid)
	if uid == 0 {
		f.exec("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, ?, ?, ?)", email, "Name "+email, t0, t0)
		uid = f.id("SELECT id FROM users WHERE email = ?", email)
	}
	f.exec("INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)", uid, org, role, t0)
	return email
}

// obligation adds a pending obligation of the breach due at due.
func (f *fixture) obligation(breach, org int64, due time.Time) int64 {
	f.n++
	key := fmt.Sprintf("ON-PHIPA-IPC-%d", f.n)
	f.exec(`INSERT INTO obligations (breach_id, organization_id, rule_key, rule_id, rule_version, jurisdiction, recipient,
		required, due_at, citation, rule_status, status, evaluated_at, created_at, updated_at)
		VALUES (?, ?, ?, 'ON-PHIPA-IPC', '1', 'CA-ON', ?, ?, ?, 'PHIPA s. 12(2); O. Reg. 329/04 s. 6.3', 'verified', 'pending', ?, ?, ?)`,
		breach, org, key, `{"kind":"regulator","name":"Information and Privacy Commissioner of Ontario"}`, true, due.UTC(), t0, t0, t0)
	return f.id("SELECT id FROM obligations WHERE breach_id = ? AND rule_key = ?", breach, key)
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
