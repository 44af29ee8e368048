package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/auth"
)

// heldBreach is a breach with two people, a completed campaign that told
// them (a letter file, a bounce, a server reply), and its ids.
type heldBreach struct{ breach, campaign int64 }

func newHeldBreach(t *testing.T, e *apptest.Env, org string, token string, closed bool) heldBreach {
	t.Helper()
	res := e.Do("POST", "/api/v1/breaches", token, map[string]any{"organization": org, "title": "Lost files", "kinds": []string{"loss"},
		"events": []map[string]string{{"kind": "discovered", "at": "2025-03-10T09:30:00-04:00", "zone": "America/Toronto"}}})
	var b struct{ ID int64 }
	res.JSON(t, &b)
	if closed {
		if res := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", b.ID), token, map[string]any{"status": "closed"}); res.Status != 200 {
			t.Fatalf("close: %d %s", res.Status, res.Body)
		}
	}
	g, now := e.App.DB.Gorm, time.Now().UTC()
	for _, p := range []string{"ann@example.com", "bob@example.com"} {
		exec := g.Exec(`INSERT INTO affected_people (breach_id, name, email, email_key, phone, address1, city, postal_code, region, country, channel, date_of_birth, created_at)
			VALUES (?, 'Ann Lee', ?, ?, '+14165550100', '1 Main St', 'Toronto', 'M5V 1A1', 'CA-ON', 'CA', 'email', '1970-01-01', ?)`, b.ID, p, p, now)
		if exec.Error != nil {
			t.Fatal(exec.Error)
		}
	}
	var org1 int64
	g.Raw("SELECT organization_id FROM breaches WHERE id = ?", b.ID).Scan(&org1)
	completed := now.Add(-time.Hour)
	must := func(sql string, args ...any) {
		t.Helper()
		if err := g.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	must(`INSERT INTO campaigns (organization_id, breach_id, name, template_set, default_language, status, created_at, updated_at, completed_at)
		VALUES (?, ?, 'Notice', 'general', 'en', 'completed', ?, ?, ?)`, org1, b.ID, now, now, completed)
	var cp int64
	g.Raw("SELECT id FROM campaigns WHERE breach_id = ?", b.ID).Scan(&cp)
	must(`INSERT INTO deliveries (campaign_id, person_id, channel, language, status, code_hash, code_key, message_id, smtp_reply, sent_at, updated_at)
		SELECT ?, id, 'email', 'en', 'sent', 'h' || CAST(id AS TEXT), id, 'm' || CAST(id AS TEXT), '250 ok <' || email || '>', ?, ? FROM affected_people WHERE breach_id = ?`,
		cp, now, now, b.ID)
	must(`INSERT INTO letter_batches (campaign_id, seq, letters, pages, pdf, manifest, sha256, created_at) VALUES (?, 1, 2, 2, ?, ?, 'abc', ?)`,
		cp, []byte("%PDF- Ann Lee, 1 Main St"), []byte("Ann Lee,1 Main St\n"), now)
	must(`INSERT INTO bounces (received_at, organization_id, campaign_id, kind, recipient, diagnostic, raw) VALUES (?, ?, ?, 'hard', 'bob@example.com', '550 <bob@example.com> unknown', ?)`,
		now, org1, cp, []byte("To: bob@example.com"))
	return heldBreach{breach: b.ID, campaign: cp}
}

// TestRetentionPurge: the organization sets its retention (administrators
// only); a dry run says what would go and changes nothing; the purge
// removes the contact data of a closed breach whose campaigns are over once
// the period has passed, keeps the people's rows, counts and deliveries,
// and is audited; an open breach and an organization on hold keep theirs.
func TestRetentionPurge(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		acme, hold := e.Org("acme"), e.Org("hold")
		admin := e.User("admin@acme.example", acme, auth.RoleAdmin)
		po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		holdAdmin := e.User("admin@hold.example", hold, auth.RoleAdmin)
		if res := e.Do("PATCH", "/api/v1/organizations/acme", po, map[string]any{"contact_retention_days": 30}); res.Status != 403 {
			t.Fatalf("privacy officer sets retention: %d", res.Status)
		}
		if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"contact_retention_days": 7}); res.Status != 400 {
			t.Fatalf("7 days: %d %s", res.Status, res.Body)
		}
		res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"contact_retention_days": 30})
		var o struct {
			ContactRetentionDays int  `json:"contact_retention_days"`
			RetentionHold        bool `json:"retention_hold"`
		}
		res.JSON(t, &o)
		if res.Status != 200 || o.ContactRetentionDays != 30 {
			t.Fatalf("set retention: %d %s", res.Status, res.Body)
		}
		if res := e.Do("PATCH", "/api/v1/organizations/hold", holdAdmin, map[string]any{"retention_hold": true, "contact_retention_days": 30}); res.Status != 200 {
			t.Fatalf("hold: %d %s", res.Status, res.Body)
		}
		closed := newHeldBreach(t, e, "acme", admin, true)
		open := newHeldBreach(t, e, "acme", admin, false)
		held := newHeldBreach(t, e, "hold", holdAdmin, true)
		count := func(sql string, args ...any) int64 {
			var n int64
			if err := e.App.DB.Gorm.Raw(sql, args...).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		svc := e.App.Retention
		svc.Now = func() time.Time { return time.Now().Add(29 * 24 * time.Hour) }
		rep, err := svc.Run(ctx, nil, 0, false)
		if err != nil || rep.Removed() != 0 || len(rep.Breaches) != 3 {
			t.Fatalf("before the period ends: %v %+v", err, rep)
		}
		svc.Now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
		rep, err = svc.Run(ctx, nil, 0, true)
		if err != nil || rep.Removed() != 0 {
			t.Fatalf("dry run: %v %+v", err, rep)
		}
		due := map[int64]bool{}
		for _, b := range rep.Breaches {
			due[b.BreachID] = b.Due
			if b.BreachID == closed.breach && (b.People.People != 2 || b.Notices.LetterFiles != 1 || b.Notices.Bounces != 1 || b.Notices.Replies != 2) {
				t.Errorf("dry run counts: %+v", b)
			}
			if !b.Due {
				t.Logf("kept: %s %s", b.Reference, b.Reason)
			}
		}
		if !due[closed.breach] || due[open.breach] || due[held.breach] {
			t.Fatalf("due: %v", due)
		}
		if n := count("SELECT count(*) FROM affected_people WHERE email <> ''"); n != 6 {
			t.Fatalf("the dry run removed something: %d people with e-mail", n)
		}
		rep, err = svc.Run(ctx, nil, 0, false)
		if err != nil || rep.Removed() != 1 {
			t.Fatalf("purge: %v %+v", err, rep)
		}
		if n := count("SELECT count(*) FROM affected_people WHERE breach_id = ? AND (email <> '' OR name <> '' OR address1 <> '' OR phone <> '' OR date_of_birth <> '' OR contact_purged_at IS NULL)", closed.breach); n != 0 {
			t.Errorf("%d people keep contact data", n)
		}
		if n := count("SELECT count(*) FROM affected_people WHERE breach_id = ? AND region = 'CA-ON' AND channel = 'email'", closed.breach); n != 2 {
			t.Errorf("people's rows: %d", n)
		}
		if n := count("SELECT count(*) FROM deliveries WHERE campaign_id = ? AND status = 'sent' AND sent_at IS NOT NULL AND smtp_reply = ''", closed.campaign); n != 2 {
			t.Errorf("deliveries kept without replies: %d", n)
		}
		if n := count("SELECT count(*) FROM letter_batches WHERE campaign_id = ? AND letters = 2 AND length(pdf) = 0 AND length(manifest) = 0", closed.campaign); n != 1 {
			t.Errorf("letter files: %d", n)
		}
		if n := count("SELECT count(*) FROM bounces WHERE campaign_id = ? AND kind = 'hard' AND recipient = '' AND length(raw) = 0", closed.campaign); n != 1 {
			t.Errorf("bounces: %d", n)
		}
		for _, b := range []heldBreach{open, held} {
			if n := count("SELECT count(*) FROM affected_people WHERE breach_id = ? AND email <> ''", b.breach); n != 2 {
				t.Errorf("breach %d lost contact data: %d left", b.breach, n)
			}
		}
		if n := count("SELECT count(*) FROM audit_log WHERE action = 'retention.purge' AND object_id = ?", fmt.Sprint(closed.breach)); n != 1 {
			t.Errorf("purge audited %d times", n)
		}
		if v, err := audit.Verify(ctx, e.App.DB.Gorm, nil, nil); err != nil || !v.OK() {
			t.Fatalf("audit chain after the purge: %v %+v", err, v.FirstProblem())
		}
		rep, err = svc.Run(ctx, nil, 0, false)
		if err != nil || rep.Removed() != 0 {
			t.Fatalf("second run: %v %+v", err, rep)
		}
		for _, b := range rep.Breaches {
			if b.BreachID == closed.breach {
				t.Errorf("purged breach listed again: %+v", b)
			}
		}
	})
}
