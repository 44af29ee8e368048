package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/cli"
	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// obligationsEnv is an organization that controls personal data, with a
// user of each role and an outsider.
type obligationsEnv struct {
	*apptest.Env
	admin, po, legal, outsider string
}

func newObligationsEnv(t *testing.T, e *apptest.Env) *obligationsEnv {
	t.Helper()
	o := &obligationsEnv{Env: e}
	acme := e.Org("acme")
	o.admin = e.User("admin@acme.example", acme, auth.RoleAdmin)
	o.po = e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	o.legal = e.User("legal@acme.example", acme, auth.RoleLegal)
	o.outsider = e.User("po@other.example", e.Org("other"), auth.RolePrivacyOfficer)
	bad := e.Do("PATCH", "/api/v1/organizations/acme", o.admin, map[string]any{"roles": []string{"controller", "custodian"}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(string(bad.Body), `"roles"`) {
		t.Fatalf("unknown role accepted: %d %s", bad.Status, bad.Body)
	}
	res := e.Do("PATCH", "/api/v1/organizations/acme", o.admin, map[string]any{"roles": []string{"controller"}, "sectors": []string{"technology"}, "home_jurisdiction": "CA-ON"})
	if res.Status != http.StatusOK {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	return o
}

// breach opens a breach aware at the instant and answers gdpr_risk.
func (o *obligationsEnv) breach(t *testing.T, aware, gdprRisk string) int64 {
	t.Helper()
	res := o.Do("POST", "/api/v1/breaches", o.po, map[string]any{"organization": "acme", "title": "Exposed bucket",
		"kinds": []string{"unauthorized_access"}, "data_categories": []string{"name", "health_card"},
		"events": []map[string]string{{"kind": "aware", "at": aware, "zone": "America/Toronto"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	if gdprRisk != "" {
		o.answer(t, b.ID, "gdpr_risk", gdprRisk)
	}
	return b.ID
}

func (o *obligationsEnv) answer(t *testing.T, id int64, q, v string) {
	t.Helper()
	if res := o.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/%s", id, q), o.po, map[string]string{"value": v}); res.Status != http.StatusOK {
		t.Fatalf("answer %s: %d %s", q, res.Status, res.Body)
	}
}

// people imports n affected people in a region into the breach; the
// import re-evaluates the breach as it commits.
func (o *obligationsEnv) people(t *testing.T, id int64, region string, n int) {
	t.Helper()
	o.People(id, apptest.Many(region, n)...)
}

type obligationView struct {
	ID          int64
	RuleKey     string `json:"rule_key"`
	Required    *bool
	Due         *string
	Status      string
	Rationale   string
	Considered  bool
	Overdue     bool
	Passed      bool    `json:"target_passed"`
	OrgSlug     string  `json:"organization_slug"`
	Internal    *string `json:"internal_target"`
	BreachID    int64   `json:"breach_id"`
	Explanation string
	Alternative *struct{ Due *string }
}

type listView struct {
	Obligations []obligationView
	Missing     []struct {
		ID    string
		Rules []string
	}
}

func (o *obligationsEnv) list(t *testing.T, id int64, tok string) listView {
	t.Helper()
	res := o.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), tok, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("obligations: %d %s", res.Status, res.Body)
	}
	var l listView
	res.JSON(t, &l)
	return l
}

func (o *obligationsEnv) find(t *testing.T, id int64, key string) obligationView {
	t.Helper()
	for _, ob := range o.list(t, id, o.po).Obligations {
		if ob.RuleKey == key {
			return ob
		}
	}
	t.Fatalf("breach %d has no obligation %s", id, key)
	return obligationView{}
}

func TestObligationsFollowTheBreach(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newObligationsEnv(t, e)
		bad := o.Do("POST", "/api/v1/breaches", o.po, map[string]any{"organization": "acme", "title": "x", "kinds": []string{"misdirected"}})
		if bad.Status != http.StatusBadRequest || !strings.Contains(string(bad.Body), `"kinds"`) {
			t.Fatalf("kind outside the vocabulary: %d %s", bad.Status, bad.Body)
		}
		id := o.breach(t, "2025-10-24T10:00:00-04:00", "")
		for _, ob := range o.list(t, id, o.po).Obligations {
			if strings.HasPrefix(ob.RuleKey, "EU-") && ob.Considered {
				t.Fatalf("EU duty %s before anyone in the EEA is affected", ob.RuleKey)
			}
		}
		o.people(t, id, "DE", 3)
		l := o.list(t, id, o.po)
		gap := false
		for _, m := range l.Missing {
			gap = gap || m.ID == "gdpr_risk" && strings.Contains(strings.Join(m.Rules, ","), "EU-GDPR-SA")
		}
		if !gap {
			t.Fatalf("gdpr_risk not listed as missing: %+v", l.Missing)
		}
		if sa := o.find(t, id, "EU-GDPR-SA"); sa.Status != "undetermined" || sa.Required != nil {
			t.Fatalf("unanswered GDPR duty: %+v", sa)
		}
		o.answer(t, id, "gdpr_risk", "risk")
		sa := o.find(t, id, "EU-GDPR-SA")
		if sa.Status != "pending" || sa.Due == nil || *sa.Due != "2025-10-27T10:00:00-04:00" {
			t.Fatalf("GDPR duty: %+v", sa)
		}

		ev := o.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/events", id), o.po, map[string]string{"kind": "aware", "at": "2025-10-23T08:00:00-04:00", "zone": "America/Toronto"})
		if ev.Status != http.StatusCreated {
			t.Fatalf("event: %d %s", ev.Status, ev.Body)
		}
		var event struct{ ID int64 }
		ev.JSON(t, &event)
		if sa = o.find(t, id, "EU-GDPR-SA"); *sa.Due != "2025-10-26T08:00:00-04:00" {
			t.Fatalf("earlier awareness did not move the due date: %v", *sa.Due)
		}
		hist := o.history(t, id, sa.ID, o.po)
		if last := hist[len(hist)-1]; !strings.Contains(last.Change, "due_moved") || last.Cause != "event added: aware" {
			t.Fatalf("history: %+v", hist)
		}

		status := fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/status", id, sa.ID)
		waive := map[string]string{"status": "waived", "rationale": "Only pseudonymous ids were exposed."}
		if res := o.Do("POST", status, o.po, waive); res.Status != http.StatusForbidden {
			t.Fatalf("privacy officer waived: %d %s", res.Status, res.Body)
		}
		if res := o.Do("POST", status, o.legal, map[string]string{"status": "waived"}); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "rationale") {
			t.Fatalf("waiver without rationale: %d %s", res.Status, res.Body)
		}
		if res := o.Do("POST", status, o.legal, waive); res.Status != http.StatusOK {
			t.Fatalf("legal waiver: %d %s", res.Status, res.Body)
		}
		if res := o.Do("DELETE", fmt.Sprintf("/api/v1/breaches/%d/events/%d", id, event.ID), o.po, nil); res.Status/100 != 2 {
			t.Fatalf("delete event: %d %s", res.Status, res.Body)
		}
		sa = o.find(t, id, "EU-GDPR-SA")
		if sa.Status != "waived" || *sa.Due != "2025-10-27T10:00:00-04:00" {
			t.Fatalf("after re-evaluation: status %s due %v", sa.Status, *sa.Due)
		}
		if last := o.history(t, id, sa.ID, o.legal); !strings.Contains(last[len(last)-1].Change, "due_moved") {
			t.Fatalf("moved deadline of a waived duty not recorded: %+v", last[len(last)-1])
		}

		if res := o.Do("PATCH", "/api/v1/organizations/acme", o.admin, map[string]any{"roles": []string{"processor"}}); res.Status != http.StatusOK {
			t.Fatalf("organization: %d %s", res.Status, res.Body)
		}
		if sa = o.find(t, id, "EU-GDPR-SA"); sa.Required == nil || *sa.Required || sa.Status != "waived" {
			t.Fatalf("organization no longer a controller: required %v status %s", sa.Required, sa.Status)
		}

		for _, path := range []string{fmt.Sprintf("/api/v1/breaches/%d/obligations", id), fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/history", id, sa.ID)} {
			if res := o.Do("GET", path, o.outsider, nil); res.Status != http.StatusNotFound {
				t.Fatalf("outsider GET %s: %d", path, res.Status)
			}
		}
		if res := o.Do("POST", status, o.outsider, map[string]string{"status": "filed"}); res.Status != http.StatusNotFound {
			t.Fatalf("outsider status: %d %s", res.Status, res.Body)
		}
	})
}

type historyView struct {
	Change, Cause, Actor string
}

func (o *obligationsEnv) history(t *testing.T, id, oid int64, tok string) []historyView {
	t.Helper()
	res := o.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/history", id, oid), tok, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("history: %d %s", res.Status, res.Body)
	}
	var h struct{ History []historyView }
	res.JSON(t, &h)
	return h.History
}

func TestDeadlinesSoonestFirst(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newObligationsEnv(t, e)
		now := time.Now()
		late := o.breach(t, now.Add(-100*time.Hour).Format(time.RFC3339), "risk")
		soon := o.breach(t, now.Add(-1*time.Hour).Format(time.RFC3339), "high_risk")
		o.people(t, late, "FR", 2)
		o.people(t, soon, "IT", 1)

		var d struct{ Deadlines []obligationView }
		res := o.Do("GET", "/api/v1/deadlines", o.legal, nil)
		res.JSON(t, &d)
		if res.Status != http.StatusOK || len(d.Deadlines) < 3 {
			t.Fatalf("deadlines: %d %s", res.Status, res.Body)
		}
		var prev time.Time
		undated, passedSeen := false, 0
		seen := map[string]obligationView{}
		for _, x := range d.Deadlines {
			when := x.Due
			if when == nil {
				when = x.Internal
			}
			if when == nil {
				undated = true
				continue
			}
			if undated {
				t.Fatalf("dated deadline after an undated one: %+v", x)
			}
			at, _ := time.Parse(time.RFC3339, *when)
			if at.Before(prev) {
				t.Fatalf("deadlines not soonest first at %s", x.RuleKey)
			}
			prev = at
			if x.Overdue != (x.Due != nil && at.Before(now)) {
				t.Fatalf("overdue flag wrong for %+v", x)
			}
			if x.Passed != (x.Due == nil && at.Before(now)) {
				t.Fatalf("internal-target flag wrong for %+v", x)
			}
			if x.OrgSlug == "" {
				t.Fatalf("deadline without its organization: %+v", x)
			}
			if x.Passed {
				passedSeen++
			}
			seen[fmt.Sprintf("%d/%s", x.BreachID, x.RuleKey)] = x
		}
		if passedSeen == 0 {
			t.Fatal("no undated duty of the breach aware 100h ago is past its 72h internal target")
		}
		if x := seen[fmt.Sprintf("%d/EU-GDPR-SA", late)]; !x.Overdue {
			t.Fatalf("72h after awareness 100h ago not overdue: %+v", x)
		}
		if x := seen[fmt.Sprintf("%d/EU-GDPR-SA", soon)]; x.Overdue || x.Due == nil {
			t.Fatalf("fresh duty: %+v", x)
		}
		if x, ok := seen[fmt.Sprintf("%d/EU-GDPR-DS", soon)]; !ok || x.Due != nil || x.Internal == nil {
			t.Fatalf("no-date duty to data subjects not listed with its internal target: %+v", x)
		}
		var out struct{ Deadlines []obligationView }
		o.Do("GET", "/api/v1/deadlines", o.outsider, nil).JSON(t, &out)
		if len(out.Deadlines) != 0 {
			t.Fatalf("outsider sees %d deadlines", len(out.Deadlines))
		}

		sa := o.find(t, soon, "EU-GDPR-SA")
		status := fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/status", soon, sa.ID)
		filed := map[string]any{"status": "filed", "reference": "CNIL-2025-1234"}
		if res := o.Do("POST", status, o.po, filed); res.Status != http.StatusOK {
			t.Fatalf("file: %d %s", res.Status, res.Body)
		}
		if res := o.Do("POST", status, o.po, filed); res.Status != http.StatusConflict {
			t.Fatalf("second filing: %d %s", res.Status, res.Body)
		}
		o.Do("GET", "/api/v1/deadlines", o.legal, nil).JSON(t, &d)
		for _, x := range d.Deadlines {
			if x.ID == sa.ID {
				t.Fatal("a filed duty is still listed as a deadline")
			}
		}
	})
}

func TestAssessmentsEqualTheCommandLine(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	o := newObligationsEnv(t, e)
	facts := `{"organization":{"sectors":["health"],"roles":["hic"],"home":"CA-ON","time_zone":"America/Toronto"},
"events":{"discovered":"2026-05-05","aware":"2026-05-05T14:00:00-04:00","determined":"2026-05-06T09:00:00-04:00"},
"affected":[{"region":"CA-ON","count":1},{"region":"US-TX","count":300},{"region":"DE","count":4}],
"data_categories":["health","ssn"],"kinds":["unauthorized_disclosure"],
"answers":{"phipa_ipc_category":"none","rrosh":true,"gdpr_risk":"risk"}}`
	const now = "2026-05-12T12:00:00Z"
	res := o.Do("POST", "/api/v1/assessments?now="+now, o.legal, facts)
	if res.Status != http.StatusOK {
		t.Fatalf("assessment: %d %s", res.Status, res.Body)
	}
	var stdout, stderr bytes.Buffer
	if code := cli.Run([]string{"assess", "--facts", "-", "--now", now}, strings.NewReader(facts), &stdout, &stderr, nil); code != 0 {
		t.Fatalf("assess: %d %s", code, stderr.String())
	}
	var api, cmd map[string]any
	if err := json.Unmarshal(res.Body, &api); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(stdout.Bytes(), &cmd); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(api, cmd) {
		t.Fatalf("API and CLI differ:\nAPI %s\nCLI %s", res.Body, stdout.Bytes())
	}
	if obs, _ := api["obligations"].([]any); len(obs) < 5 {
		t.Fatalf("only %d obligations", len(obs))
	}
	bad := o.Do("POST", "/api/v1/assessments", o.legal, `{"kinds":["misdirected"],"events":{"aware":"soon"}}`)
	if bad.Status != http.StatusBadRequest || !strings.Contains(string(bad.Body), `"kinds[0]"`) || !strings.Contains(string(bad.Body), `"events.aware"`) {
		t.Fatalf("bad facts: %d %s", bad.Status, bad.Body)
	}
	if res := o.Do("POST", "/api/v1/assessments", "", facts); res.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous assessment: %d", res.Status)
	}
	var q struct{ Questions []struct{ ID string } }
	o.Do("GET", "/api/v1/questions", o.po, nil).JSON(t, &q)
	if len(q.Questions) < 30 || q.Questions[1].ID != "rrosh" {
		t.Fatalf("questions: %+v", q.Questions)
	}
}

func TestCalendarClosureSurvivesRestart(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newObligationsEnv(t, e)
		if res := o.Do("PATCH", "/api/v1/organizations/acme", o.admin, map[string]any{"roles": []string{"controller", "hic"}, "sectors": []string{"health"}}); res.Status != http.StatusOK {
			t.Fatalf("organization: %d %s", res.Status, res.Body)
		}
		id := o.breach(t, "2026-06-30T10:00:00-04:00", "risk")
		o.people(t, id, "DE", 1)
		path := "/api/v1/calendars/CA-ON-LEGISLATION/closures"
		closure := map[string]string{"date": "2026-07-02", "name": "Storm closure"}
		if res := o.Do("POST", path, o.po, closure); res.Status != http.StatusForbidden {
			t.Fatalf("privacy officer added a closure: %d", res.Status)
		}
		otherAdmin := o.User("admin@other.example", o.Org("third"), auth.RoleAdmin)
		if res := o.Do("POST", path, otherAdmin, closure); res.Status != http.StatusForbidden {
			t.Fatalf("an organization admin who does not operate the installation added a closure: %d %s", res.Status, res.Body)
		}
		if res := o.Do("POST", "/api/v1/calendars/NO-SUCH/closures", o.admin, closure); res.Status != http.StatusNotFound {
			t.Fatalf("unknown calendar: %d", res.Status)
		}
		res := o.Do("POST", path, o.admin, closure)
		var added struct {
			Reevaluated struct{ Created, Changed, Dropped, Unchanged int }
		}
		res.JSON(t, &added)
		if res.Status != http.StatusCreated || added.Reevaluated.Unchanged == 0 || added.Reevaluated.Created != 0 {
			t.Fatalf("closure: %d %s", res.Status, res.Body)
		}
		if res := o.Do("POST", path, o.admin, closure); res.Status != http.StatusConflict {
			t.Fatalf("same closure twice: %d", res.Status)
		}
		res = o.Do("GET", "/api/v1/calendars?year=2026", o.po, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "Storm closure") {
			t.Fatalf("calendars: %d", res.Status)
		}
		stats := o.find(t, id, "ON-PHIPA-STATS")
		if stats.Due == nil || !strings.HasPrefix(*stats.Due, "2027-03-01T") {
			t.Fatalf("annual statistics due %v", stats.Due)
		}
		if res := o.Do("POST", path, o.admin, map[string]string{"date": "2027-03-01", "name": "Ice storm"}); res.Status != http.StatusCreated {
			t.Fatalf("closure: %d %s", res.Status, res.Body)
		}
		// The Legislation Act extension past a holiday is the alternative;
		// the unextended date stays due (conservative first).
		moved := o.find(t, id, "ON-PHIPA-STATS")
		if moved.Due == nil || !strings.HasPrefix(*moved.Due, "2027-03-01T") || moved.Alternative == nil ||
			moved.Alternative.Due == nil || !strings.HasPrefix(*moved.Alternative.Due, "2027-03-02T") {
			t.Fatalf("closure on the due day: due %v, alternative %+v; want 2027-03-01 and 2027-03-02", moved.Due, moved.Alternative)
		}
		hist := o.history(t, id, stats.ID, o.po)
		if last := hist[len(hist)-1]; !strings.Contains(last.Change, "terms_changed") || !strings.Contains(last.Cause, "closure of CA-ON-LEGISLATION") {
			t.Fatalf("history of the closure: %+v", last)
		}
		// A process started afterwards (or running beside this one) counts
		// the closure too: it is read from the database.
		cfg := config.Defaults()
		cfg.DataDir = t.TempDir()
		again, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), e.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		if !holidayListed(t, again, "CA-ON-LEGISLATION", "2026-07-02", "Storm closure") {
			t.Fatal("closure lost on restart")
		}
	})
}

// holidayListed reports whether the calendars a's API lists give the day as
// a non-working day with that name.
func holidayListed(t *testing.T, a *app.App, calendar, day, name string) bool {
	t.Helper()
	d, err := clock.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.Obligations.CalendarList(context.Background(), d.Year)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID != calendar {
			continue
		}
		for _, h := range c.Holidays {
			if h.Date == day && h.Name == name {
				return true
			}
		}
	}
	return false
}

// TestClosuresSharedAcrossProcesses runs two application instances on one
// PostgreSQL database, as two serve or worker processes on two machines
// would: a closure added through one moves the deadline that the other
// computes when it re-evaluates.
func TestClosuresSharedAcrossProcesses(t *testing.T) {
	url := dbtest.CreatePostgres(t)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), db.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	e := apptest.NewOn(t, open())
	o := newObligationsEnv(t, e)
	if res := o.Do("PATCH", "/api/v1/organizations/acme", o.admin, map[string]any{"roles": []string{"controller", "hic"}, "sectors": []string{"health"}}); res.Status != http.StatusOK {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	id := o.breach(t, "2026-06-30T10:00:00-04:00", "risk")
	stats := o.find(t, id, "ON-PHIPA-STATS")
	if stats.Due == nil || !strings.HasPrefix(*stats.Due, "2027-03-01T") || stats.Alternative != nil {
		t.Fatalf("annual statistics due %v, alternative %+v", stats.Due, stats.Alternative)
	}
	// The second process: its own application, its own connections.
	second := apptest.NewOn(t, open()).App
	// Both evaluate once, so each has built its calendars.
	if err := second.Reevaluate(context.Background(), id, "warm up"); err != nil {
		t.Fatal(err)
	}
	res := o.Do("POST", "/api/v1/calendars/CA-ON-LEGISLATION/closures", o.admin, map[string]string{"date": "2027-03-01", "name": "Ice storm"})
	if res.Status != http.StatusCreated {
		t.Fatalf("closure through the first process: %d %s", res.Status, res.Body)
	}
	// Set the obligation back as it was before the closure, then let the
	// second process re-evaluate: it must count the closure it never saw
	// (the Legislation Act extension past it is the alternative reading).
	if err := e.App.DB.Gorm.Exec("UPDATE obligations SET alternative = NULL WHERE id = ?", stats.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := second.Reevaluate(context.Background(), id, "second process"); err != nil {
		t.Fatal(err)
	}
	moved := o.find(t, id, "ON-PHIPA-STATS")
	if moved.Due == nil || !strings.HasPrefix(*moved.Due, "2027-03-01T") || moved.Alternative == nil ||
		moved.Alternative.Due == nil || !strings.HasPrefix(*moved.Alternative.Due, "2027-03-02T") {
		t.Fatalf("the second process did not count the closure added through the first: due %v, alternative %+v", moved.Due, moved.Alternative)
	}
	if !holidayListed(t, second, "CA-ON-LEGISLATION", "2027-03-01", "Ice storm") {
		t.Fatal("the second process does not list the closure")
	}
}

// TestConfiguredClosureMovesBusinessDays checks that a closure listed in the
// settings is part of the calendar at start, and that an unknown calendar
// stops start-up naming the setting.
func TestConfiguredClosureMovesBusinessDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Closures = []config.Closure{{Calendar: "US-SEC-EDGAR", Date: "2026-12-23", Name: "Configured closure"}}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), dbtest.OpenEmpty(t, db.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	if !holidayListed(t, a, "US-SEC-EDGAR", "2026-12-23", "Configured closure") {
		t.Fatal("configured closure not applied")
	}
	cfg.Closures = []config.Closure{{Calendar: "XX-NOWHERE", Date: "2026-12-23", Name: "x"}}
	_, err = app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), dbtest.OpenEmpty(t, db.SQLite))
	if err == nil || !strings.Contains(err.Error(), "closures[0].calendar") {
		t.Fatalf("unknown calendar: %v", err)
	}
}
