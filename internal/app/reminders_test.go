package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/calfeed/icaltest"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

var feedDue = time.Date(2025, 3, 5, 22, 0, 0, 0, time.UTC)

// addObligation stores a breach with one pending obligation and its
// "created" history entry, as the obligations service does.
func addObligation(t *testing.T, e *apptest.Env, orgID int64, ref string, due time.Time) int64 {
	t.Helper()
	seed := dbtest.NewSeed(t, e.App.DB.Gorm)
	return seed.Obligation(seed.Breach(orgID, dbtest.BreachRow{Reference: ref, Title: "Stolen files"}), dbtest.ObligationRow{
		RuleKey: "EU-GDPR-SA", Jurisdiction: "EU", Recipient: `{"kind":"regulator","name":"Lead supervisory authority"}`,
		Required: true, Due: &due, Citation: `GDPR Art. 33(1), "without undue delay"`})
}

func fetchFeed(t *testing.T, e *apptest.Env, url string) (int, *icaltest.Component) {
	t.Helper()
	path := strings.TrimPrefix(url, e.App.Cfg.BaseURL)
	res := e.Do("GET", path, "", nil)
	if res.Status != 200 {
		return res.Status, nil
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("content type %q", ct)
	}
	cal, err := icaltest.Parse(string(res.Body))
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, res.Body)
	}
	return res.Status, cal
}

func issueFeed(t *testing.T, e *apptest.Env, tok string) string {
	t.Helper()
	res := e.Do("POST", "/api/v1/me/calendar-token", tok, nil)
	if res.Status != 201 {
		t.Fatalf("issue: %d %s", res.Status, res.Body)
	}
	var out struct{ URL, Token string }
	res.JSON(t, &out)
	if !strings.HasPrefix(out.URL, e.App.Cfg.BaseURL+"/calendar/") || !strings.HasSuffix(out.URL, out.Token+".ics") {
		t.Fatalf("url %q", out.URL)
	}
	return out.URL
}

func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			e := apptest.New(t, dialect)
			city, other := e.Org("city"), e.Org("other")
			tok := e.User("po@city.test", city, auth.RoleViewer)
			e.User("po@other.test", other, auth.RolePrivacyOfficer)
			mine := addObligation(t, e, city.ID, "BR-2025-0001", feedDue)
			addObligation(t, e, other.ID, "BR-2025-0099", feedDue)
			url := issueFeed(t, e, tok)

			status, cal := fetchFeed(t, e, url)
			if status != 200 {
				t.Fatalf("feed: %d", status)
			}
			if res := e.Do("HEAD", strings.TrimPrefix(url, e.App.Cfg.BaseURL), "", nil); res.Status != 200 || len(res.Body) != 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("HEAD feed: %d %q %q", res.Status, res.Header.Get("Content-Type"), res.Body)
			}
			if res := e.Do("HEAD", "/calendar/"+strings.Repeat("A", 43)+".ics", "", nil); res.Status != 404 {
				t.Fatalf("HEAD unknown feed: %d", res.Status)
			}
			evs := cal.Find("VEVENT")
			if len(evs) != 1 {
				t.Fatalf("%d events, want only the caller's organization's one", len(evs))
			}
			ev := evs[0]
			uid := ev.Get("UID")
			if uid != fmt.Sprintf("obligation-%d@127.0.0.1", mine) || ev.Get("DTSTART") != "20250305T220000Z" || ev.Get("SEQUENCE") != "0" {
				t.Fatalf("event: uid %s start %s seq %s", uid, ev.Get("DTSTART"), ev.Get("SEQUENCE"))
			}
			for _, want := range []string{"BR-2025-0001", "Lead supervisory authority", `GDPR Art. 33(1), "without undue delay"`, "17:00 EST (America/Toronto)", "22:00 UTC", "/breaches/"} {
				if !strings.Contains(ev.Get("SUMMARY")+"\n"+ev.Get("DESCRIPTION"), want) {
					t.Errorf("event lacks %q: %s / %s", want, ev.Get("SUMMARY"), ev.Get("DESCRIPTION"))
				}
			}
			if len(ev.Find("VALARM")) != 3 {
				t.Errorf("%d alarms, want one per lead time", len(ev.Find("VALARM")))
			}

			// The deadline moves: same UID, higher SEQUENCE, new start.
			g := e.App.DB.Gorm
			g.Exec("UPDATE obligations SET due_at = ?, updated_at = ? WHERE id = ?", feedDue.Add(48*time.Hour), time.Now().UTC(), mine)
			g.Exec("INSERT INTO obligation_history (obligation_id, at, change) VALUES (?, ?, 'due_at')", mine, time.Now().UTC())
			_, cal = fetchFeed(t, e, url)
			ev = cal.Find("VEVENT")[0]
			if ev.Get("UID") != uid || ev.Get("SEQUENCE") != "1" || ev.Get("DTSTART") != "20250307T220000Z" {
				t.Fatalf("moved: uid %s seq %s start %s", ev.Get("UID"), ev.Get("SEQUENCE"), ev.Get("DTSTART"))
			}

			// Waived: the event stays, cancelled, without alarms.
			g.Exec("UPDATE obligations SET status = 'waived' WHERE id = ?", mine)
			g.Exec("INSERT INTO obligation_history (obligation_id, at, change) VALUES (?, ?, 'status')", mine, time.Now().UTC())
			_, cal = fetchFeed(t, e, url)
			ev = cal.Find("VEVENT")[0]
			if ev.Get("STATUS") != "CANCELLED" || ev.Get("SEQUENCE") != "2" || len(ev.Find("VALARM")) != 0 {
				t.Fatalf("waived: %s seq %s alarms %d", ev.Get("STATUS"), ev.Get("SEQUENCE"), len(ev.Find("VALARM")))
			}

			// Rotating the token retires the old URL; revoking retires all.
			url2 := issueFeed(t, e, tok)
			if status, _ := fetchFeed(t, e, url); status != 404 {
				t.Fatalf("old URL after rotation: %d", status)
			}
			if status, _ := fetchFeed(t, e, url2); status != 200 {
				t.Fatalf("new URL: %d", status)
			}
			if res := e.Do("DELETE", "/api/v1/me/calendar-token", tok, nil); res.Status != 204 {
				t.Fatalf("revoke: %d", res.Status)
			}
			if status, _ := fetchFeed(t, e, url2); status != 404 {
				t.Fatalf("revoked URL: %d", status)
			}
			if res := e.Do("POST", "/api/v1/me/calendar-token", "", nil); res.Status != 401 {
				t.Fatalf("issue without credentials: %d", res.Status)
			}
			for _, bad := range []string{"/calendar/x.ics", "/calendar/" + strings.Repeat("A", 43) + ".ics", "/calendar/" + strings.TrimSuffix(strings.TrimPrefix(url2, e.App.Cfg.BaseURL+"/calendar/"), ".ics")} {
				if res := e.Do("GET", bad, "", nil); res.Status != 404 {
					t.Errorf("%s: %d", bad, res.Status)
				}
			}
		})
	}
}

func TestCalendarFeedFollowsMembership(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	city := e.Org("city")
	tok := e.User("legal@city.test", city, auth.RoleLegal)
	addObligation(t, e, city.ID, "BR-2025-0002", feedDue)
	url := issueFeed(t, e, tok)
	if _, cal := fetchFeed(t, e, url); len(cal.Find("VEVENT")) != 1 {
		t.Fatal("member does not see the obligation")
	}
	e.App.DB.Gorm.Exec("DELETE FROM memberships WHERE organization_id = ?", city.ID)
	if _, cal := fetchFeed(t, e, url); len(cal.Find("VEVENT")) != 0 {
		t.Fatal("former member still sees the organization's obligations")
	}
}

// TestReminderJobRunsUnderRiver runs the real workers: the periodic job
// starts at once and the reminder lands in the default file outbox.
func TestReminderJobRunsUnderRiver(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	city := e.Org("city")
	e.User("po@city.test", city, auth.RolePrivacyOfficer)
	e.User("viewer@city.test", city, auth.RoleViewer)
	addObligation(t, e, city.ID, "BR-2025-0003", time.Now().Add(2*time.Hour).UTC().Truncate(time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.App.RunWorkers(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	dir := e.App.Cfg.OutboxDir()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(files) == 1 {
			raw, _ := os.ReadFile(files[0])
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil || m.Header.Get("To") != "<po@city.test>" && !strings.Contains(m.Header.Get("To"), "po@city.test") {
				t.Fatalf("outbox message: %v %v", err, m.Header)
			}
			if m.Header.Get("X-Breachline-Reminder") != "4h" {
				t.Fatalf("reminder label %q", m.Header.Get("X-Breachline-Reminder"))
			}
			return
		}
		if len(files) > 1 {
			t.Fatalf("%d messages, want 1", len(files))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no reminder reached the outbox")
}

// TestCalendarTokenNeverLogged serves the feed through an application whose
// log is captured and checks that the secret appears nowhere in it.
func TestCalendarTokenNeverLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	d := dbtest.OpenEmpty(t, db.SQLite)
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(&logs, nil)), d)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := a.Router()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	e := &apptest.Env{T: t, App: a, Server: srv, HTTP: hs}
	city := e.Org("city")
	tok := e.User("po@city.test", city, auth.RolePrivacyOfficer)
	addObligation(t, e, city.ID, "BR-2025-0004", feedDue)
	url := issueFeed(t, e, tok)
	if status, _ := fetchFeed(t, e, url); status != 200 {
		t.Fatalf("feed: %d", status)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(url, cfg.BaseURL+"/calendar/"), ".ics")
	fetchFeed(t, e, "/calendar/"+secret+"x.ics")
	if !strings.Contains(logs.String(), `"path":"/calendar/:file"`) {
		t.Fatalf("feed request not logged by route pattern:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Fatal("the calendar token appears in the log")
	}
}

type icalComponent = icaltest.Component
