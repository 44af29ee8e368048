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
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/reminder"
)

// TestDeadlineFlowsToFeedAndReminders follows a real GDPR duty: the
// obligations service computes it from the breach, the feed shows it, an
// earlier awareness event moves it (same UID, higher SEQUENCE) and the
// reminder job mails the people who must act on the moved deadline.
func TestDeadlineFlowsToFeedAndReminders(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		acme := e.Org("acme")
		admin := e.User("admin@acme.example", acme, auth.RoleAdmin)
		po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		e.User("legal@acme.example", acme, auth.RoleLegal)
		e.User("viewer@acme.example", acme, auth.RoleViewer)
		if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"controller"}, "sectors": []string{"technology"}, "home_jurisdiction": "CA-ON"}); res.Status != http.StatusOK {
			t.Fatalf("organization: %d %s", res.Status, res.Body)
		}
		res := e.Do("POST", "/api/v1/breaches", po, map[string]any{"organization": "acme", "title": "Exposed bucket",
			"kinds": []string{"unauthorized_access"}, "data_categories": []string{"name", "health_card"},
			"events": []map[string]string{{"kind": "aware", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto"}}})
		if res.Status != http.StatusCreated {
			t.Fatalf("breach: %d %s", res.Status, res.Body)
		}
		var b struct{ ID int64 }
		res.JSON(t, &b)
		e.People(b.ID, apptest.Person{Name: "P", Region: "DE"})
		if res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/gdpr_risk", b.ID), po, map[string]string{"value": "risk"}); res.Status != http.StatusOK {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
		var oid int64
		e.App.DB.Gorm.Raw("SELECT id FROM obligations WHERE breach_id = ? AND rule_key = 'EU-GDPR-SA' AND status = 'pending'", b.ID).Scan(&oid)
		if oid == 0 {
			t.Fatal("no pending GDPR duty")
		}
		uid := fmt.Sprintf("obligation-%d@127.0.0.1", oid)
		url := issueFeed(t, e, po)
		first := feedEvent(t, e, url, uid)
		if first.Get("DTSTART") != "20251027T140000Z" {
			t.Fatalf("start %s", first.Get("DTSTART"))
		}

		if res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/events", b.ID), po, map[string]string{"kind": "aware", "at": "2025-10-23T08:00:00-04:00", "zone": "America/Toronto"}); res.Status != http.StatusCreated {
			t.Fatalf("event: %d %s", res.Status, res.Body)
		}
		moved := feedEvent(t, e, url, uid)
		if moved.Get("DTSTART") != "20251026T120000Z" || atoi(moved.Get("SEQUENCE")) <= atoi(first.Get("SEQUENCE")) {
			t.Fatalf("moved: start %s seq %s (was %s)", moved.Get("DTSTART"), moved.Get("SEQUENCE"), first.Get("SEQUENCE"))
		}

		srv := mailtest.Start(t, mailtest.Options{})
		sender, err := mail.NewSMTP(mail.SMTPOptions{URL: srv.URL(), From: e.App.Cfg.MailFrom})
		if err != nil {
			t.Fatal(err)
		}
		r := reminder.NewRunner(e.App.DB.Gorm, e.App.Obligations, e.App.Auth, sender, reminder.Options{BaseURL: e.App.Cfg.BaseURL, Leads: e.App.Cfg.ReminderLeads})
		due := time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{due.Add(-5 * time.Hour), due.Add(-4 * time.Hour), due.Add(-3 * time.Hour)} {
			if _, err := r.Run(context.Background(), at); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]int{}
		for _, m := range srv.Messages() {
			// Duties with no fixed date are reminded against the internal
			// target too; count the GDPR deadline's reminders.
			if strings.Contains(string(m.Data), fmt.Sprintf("X-Breachline-Obligation: %d\r\n", oid)) {
				got[m.To[0]]++
			}
		}
		// 24h window at -5h, 4h window at -4h; the admin stands back
		// because there is a privacy officer; the viewer gets nothing.
		if len(got) != 2 || got["po@acme.example"] != 2 || got["legal@acme.example"] != 2 {
			t.Fatalf("reminders per address: %v", got)
		}
	})
}

func feedEvent(t *testing.T, e *apptest.Env, url, uid string) *icalComponent {
	t.Helper()
	status, cal := fetchFeed(t, e, url)
	if status != http.StatusOK {
		t.Fatalf("feed: %d", status)
	}
	for _, ev := range cal.Find("VEVENT") {
		if ev.Get("UID") == uid {
			return ev
		}
	}
	t.Fatalf("feed has no event %s", uid)
	return nil
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
