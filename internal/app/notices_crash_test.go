package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
)

// These tests run `breachline worker` as separate processes on PostgreSQL
// and judge the ledger from the SMTP server's side: who received what,
// how many times, under which Message-ID.

const (
	// crashPeople is the campaign's audience; with crashDelay per message
	// over the pool's four connections it takes a few seconds to send.
	crashPeople = 3000
	crashDelay  = 4 * time.Millisecond
	// crashLease is the claim lease of the test's workers: a dead worker's
	// notices are sent again after it.
	crashLease = 3 * time.Second
)

// crashEnv is an application on PostgreSQL whose workers are processes.
type crashEnv struct {
	*noticeEnv
	bin     string
	environ []string
}

func newCrashEnv(t *testing.T) *crashEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("starts worker processes and sends thousands of notices (about half a minute)")
	}
	url := dbtest.CreatePostgres(t)
	d, err := db.Open(context.Background(), db.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	srv := mailtest.Start(t, mailtest.Options{Delay: crashDelay})
	secret := strings.Repeat("c7", 32)
	e := apptest.NewWith(t, d, func(c *config.Config) {
		c.SMTPURL, c.SecretKey = srv.URL(), secret
		c.MailFrom = "Acme Privacy <privacy@acme.example>"
	})
	n := &noticeEnv{Env: e, smtp: srv, people: map[string]int64{}}
	org := e.Org("acme")
	admin := e.User("admin@acme.example", org, auth.RoleAdmin)
	n.po = e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	n.legal = e.User("legal@acme.example", org, auth.RoleLegal)
	n.viewer = e.User("viewer@acme.example", org, auth.RoleViewer)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"commercial_org"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100"}); res.Status != 200 {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	res := e.Do("POST", "/api/v1/breaches", n.po, map[string]any{"organization": "acme", "title": "Mailing list exposed",
		"description": "A misconfigured server exposed our customer mailing list.", "kinds": []string{"unauthorized_access"},
		"data_categories": []string{"name", "contact"}, "containment": "We closed the server the same day.",
		"events": []map[string]string{{"kind": "occurred", "at": "2026-11-02T09:00:00-05:00", "zone": "America/Toronto"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	n.breach = b.ID
	var csv strings.Builder
	csv.WriteString("id,name,email,province,language\n")
	for i := range crashPeople {
		fmt.Fprintf(&csv, "P%05d,Person %d,person%05d@example.org,ON,en\n", i, i, i)
	}
	n.importRoster(t, csv.String())
	return &crashEnv{noticeEnv: n, bin: apptest.Binary(t), environ: []string{
		"BREACHLINE_DATABASE_URL=" + url, "BREACHLINE_SECRET_KEY=" + secret, "BREACHLINE_AUDIT_KEY=" + dbtest.AuditKey,
		"BREACHLINE_SMTP_URL=" + srv.URL(),
		"BREACHLINE_MAIL_FROM=Acme Privacy <privacy@acme.example>", "BREACHLINE_NOTICE_LEASE=" + crashLease.String(),
		"BREACHLINE_LOG_LEVEL=warn", "BREACHLINE_LOG_FORMAT=text",
	}}
}

// startWorker starts a worker process with its own data directory; it is
// killed when the test ends.
func (c *crashEnv) startWorker(t *testing.T, name string) *apptest.Process {
	t.Helper()
	return apptest.Start(t, name, c.bin, append(c.environ, "BREACHLINE_DATA_DIR="+t.TempDir()), "worker")
}

// startCampaign creates, approves and sends a campaign through the API.
func (c *crashEnv) startCampaign(t *testing.T) int64 {
	t.Helper()
	id := c.createCampaign(t)
	c.approve(t, id)
	if res := c.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/send", id), c.po, nil); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res.Body)
	}
	return id
}

// waitFor polls until done or the time is up.
func waitFor(t *testing.T, what string, within time.Duration, done func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !done() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// sendingNow lists the Message-IDs of the deliveries claimed and not yet
// recorded: the messages in flight.
func (c *crashEnv) sendingNow(t *testing.T, id int64) map[string]bool {
	t.Helper()
	var ids []string
	if err := c.App.DB.Gorm.Raw("SELECT message_id FROM deliveries WHERE campaign_id = ? AND status = ?", id, notice.Sending).
		Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string]bool, len(ids))
	for _, m := range ids {
		out[m] = true
	}
	return out
}

// received counts, per Message-ID, the copies the server accepted, and
// checks that every delivery of the campaign reached its person's address
// at least once and that nothing else arrived.
func (c *crashEnv) received(t *testing.T, id int64) map[string]int {
	t.Helper()
	var rows []struct{ MessageID, Email string }
	if err := c.App.DB.Gorm.Raw(`SELECT d.message_id, p.email FROM deliveries d JOIN affected_people p ON p.id = d.person_id
		WHERE d.campaign_id = ?`, id).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != crashPeople {
		t.Fatalf("%d deliveries, want %d", len(rows), crashPeople)
	}
	copies := map[string]int{}
	for _, r := range rows {
		got := c.smtp.ByMessageID(r.MessageID)
		if len(got) == 0 {
			t.Errorf("%s never received %s", r.Email, r.MessageID)
			continue
		}
		for _, m := range got {
			if len(m.To) != 1 || !strings.EqualFold(m.To[0], r.Email) {
				t.Errorf("%s went to %v, want %s", r.MessageID, m.To, r.Email)
			}
		}
		copies[r.MessageID] = len(got)
	}
	total := 0
	for _, n := range copies {
		total += n
	}
	if all := len(noticesReceived(c.smtp)); all != total {
		t.Errorf("the server received %d notices, %d of them for the campaign's deliveries", all, total)
	}
	return copies
}

// TestNoticeWorkerKilledMidCampaign kills the only worker with SIGKILL in
// the middle of a campaign and starts another: the campaign completes,
// every person received their notice, and the only notices received twice
// are ones the dead worker had in flight (same Message-ID).
func TestNoticeWorkerKilledMidCampaign(t *testing.T) {
	c := newCrashEnv(t)
	id := c.startCampaign(t)
	first := c.startWorker(t, "first worker")
	waitFor(t, "a third of the campaign sent", time.Minute, func() bool { return len(noticesReceived(c.smtp)) >= crashPeople/3 })
	first.Kill()
	inFlight := c.sendingNow(t, id)
	atKill := len(noticesReceived(c.smtp))

	c.startWorker(t, "second worker")
	took := waitFor(t, "the campaign completed after the restart", 90*time.Second, func() bool {
		return c.progress(t, id).Status == notice.CampaignCompleted
	})
	p := c.progress(t, id)
	if p.ByStatus[notice.Sent] != crashPeople || p.Total != crashPeople {
		t.Fatalf("progress %+v", p)
	}
	copies := c.received(t, id)
	dups := 0
	for mid, n := range copies {
		if n > 1 {
			dups += n - 1
			if !inFlight[mid] || n > 2 {
				t.Errorf("%s received %d times; it was in flight at the kill: %v", mid, n, inFlight[mid])
			}
		}
	}
	t.Logf("killed after %d of %d messages with %d in flight; %d received twice; completed %v after the restart",
		atKill, crashPeople, len(inFlight), dups, took.Round(100*time.Millisecond))
}

// TestNoticeTwoWorkersShareACampaign runs two worker processes at once on
// one campaign: every person receives their notice exactly once.
func TestNoticeTwoWorkersShareACampaign(t *testing.T) {
	c := newCrashEnv(t)
	// Two jobs at a time each: neither process can take all of the
	// campaign's send jobs, so both send.
	c.environ = append(c.environ, "BREACHLINE_WORKERS=2")
	id := c.startCampaign(t)
	c.startWorker(t, "worker A")
	c.startWorker(t, "worker B")
	took := waitFor(t, "the campaign completed", 90*time.Second, func() bool {
		return c.progress(t, id).Status == notice.CampaignCompleted
	})
	for mid, n := range c.received(t, id) {
		if n != 1 {
			t.Errorf("%s received %d times", mid, n)
		}
	}
	var clients []string
	if err := c.App.DB.Gorm.Raw(`SELECT DISTINCT unnest(attempted_by) FROM river_job WHERE kind = ?`, notice.SendArgs{}.Kind()).
		Scan(&clients).Error; err != nil {
		t.Fatal(err)
	}
	if len(clients) < 2 {
		t.Fatalf("only %v ran send jobs: the workers did not share the campaign", clients)
	}
	t.Logf("%d notices sent by two workers in %v over %d connections", crashPeople, took.Round(100*time.Millisecond), c.smtp.Connections())
}
