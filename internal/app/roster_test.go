package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

const rosterCSV = "name,email,province\n" +
	"Alice Martin,alice@example.com,ON\n" +
	"=cmd|' /C calc'!A0,bob@example.com,QC\n" +
	"Bad Row,not-an-email,ON\n" +
	"Alice M,ALICE@example.com,ON\n"

// uploadRoster posts a file as multipart/form-data.
func uploadRoster(t *testing.T, e *apptest.Env, tok string, breachID int64, name, content string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.WriteField("format", "csv")
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/breaches/%d/imports", e.HTTP.URL, breachID), &body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return apptest.Response{Status: res.StatusCode, Body: raw, Header: res.Header}
}

// startWorkers runs the River workers until the test ends.
func startWorkers(t *testing.T, e *apptest.Env) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.App.RunWorkers(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

type importView struct {
	ID         int64
	Status     string
	Accepted   int64
	Rejected   int64
	Duplicates int64
	Error      string
}

func waitImport(t *testing.T, e *apptest.Env, tok string, id int64) importView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var v importView
		res := e.Do("GET", fmt.Sprintf("/api/v1/imports/%d", id), tok, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("import %d: %d %s", id, res.Status, res.Body)
		}
		res.JSON(t, &v)
		if v.Status == "done" || v.Status == "failed" || v.Status == "cancelled" {
			return v
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("import %d did not finish", id)
	return importView{}
}

// rosterTenants creates acme's privacy officer and viewer, an outsider from
// another organization and a breach of acme's, and starts the workers.
func rosterTenants(t *testing.T, e *apptest.Env) (po, viewer, outsider string, b struct{ ID int64 }) {
	t.Helper()
	acme, other := e.Org("acme"), e.Org("other")
	po = e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	viewer = e.User("viewer@acme.example", acme, auth.RoleViewer)
	outsider = e.User("po@other.example", other, auth.RolePrivacyOfficer)
	e.Do("POST", "/api/v1/breaches", po, newBreach).JSON(t, &b)
	startWorkers(t, e)
	return po, viewer, outsider, b
}

func TestRosterImportThroughWorker(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		po, viewer, outsider, b := rosterTenants(t, e)

		if res := uploadRoster(t, e, viewer, b.ID, "people.csv", rosterCSV); res.Status != http.StatusForbidden {
			t.Fatalf("viewer upload: %d %s", res.Status, res.Body)
		}
		if res := uploadRoster(t, e, outsider, b.ID, "people.csv", rosterCSV); res.Status != http.StatusNotFound {
			t.Fatalf("outsider upload: %d %s", res.Status, res.Body)
		}
		res := uploadRoster(t, e, po, b.ID, "people.csv", rosterCSV)
		if res.Status != http.StatusAccepted {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		var queued importView
		res.JSON(t, &queued)
		v := waitImport(t, e, po, queued.ID)
		if v.Status != "done" || v.Accepted != 3 || v.Rejected != 1 || v.Duplicates != 1 {
			t.Fatalf("import: %+v", v)
		}
		checkRosterReads(t, e, b.ID, v.ID, po, viewer, outsider)
		if res := uploadRoster(t, e, po, b.ID, "again.csv", rosterCSV); res.Status != http.StatusConflict ||
			!strings.Contains(string(res.Body), "already been imported") {
			t.Fatalf("same file again: %d %s", res.Status, res.Body)
		}
	})
}

func checkRosterReads(t *testing.T, e *apptest.Env, breachID, importID int64, po, viewer, outsider string) {
	t.Helper()
	rej := e.Do("GET", fmt.Sprintf("/api/v1/imports/%d/rejects.csv", importID), po, nil)
	if rej.Status != http.StatusOK || !strings.Contains(string(rej.Body), "\n4,email,") {
		t.Fatalf("rejects: %d %s", rej.Status, rej.Body)
	}
	if res := e.Do("GET", fmt.Sprintf("/api/v1/imports/%d", importID), outsider, nil); res.Status != http.StatusNotFound {
		t.Fatalf("outsider import: %d", res.Status)
	}
	var counts struct {
		People     int64
		Duplicates int64
		Regions    map[string]int64
	}
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/roster/counts", breachID), viewer, nil).JSON(t, &counts)
	if counts.People != 2 || counts.Duplicates != 1 || counts.Regions["CA-ON"] != 1 || counts.Regions["CA-QC"] != 1 {
		t.Fatalf("counts: %+v", counts)
	}
	var page struct{ Total int64 }
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/people?review=1", breachID), po, nil).JSON(t, &page)
	if page.Total != 1 {
		t.Fatalf("people to review: %d", page.Total)
	}
	exportPath := fmt.Sprintf("/api/v1/breaches/%d/roster/export.csv", breachID)
	if res := e.Do("GET", exportPath, viewer, nil); res.Status != http.StatusForbidden {
		t.Fatalf("viewer export: %d", res.Status)
	}
	if res := e.Do("GET", exportPath, outsider, nil); res.Status != http.StatusNotFound {
		t.Fatalf("outsider export: %d", res.Status)
	}
	exp := e.Do("GET", exportPath, po, nil)
	if exp.Status != http.StatusOK || !strings.Contains(string(exp.Body), `'=cmd|`) || strings.Contains(string(exp.Body), ",=cmd") {
		t.Fatalf("export: %d %s", exp.Status, exp.Body)
	}
}

// Reading a roster through page by page with next_after returns every
// person once, in order.
func TestRosterPeopleKeysetPaging(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		po, _, _, b := rosterTenants(t, e)
		file := "name,email\nA One,a@example.com\nB Two,b@example.com\nC Three,c@example.com\nD Four,d@example.com\nE Five,e@example.com\n"
		var imp importView
		uploadRoster(t, e, po, b.ID, "five.csv", file).JSON(t, &imp)
		waitImport(t, e, po, imp.ID)
		var seen []string
		after, pages := int64(0), 0
		for {
			var page struct {
				People []struct {
					ID   int64
					Name string
				}
				NextAfter *int64 `json:"next_after"`
			}
			res := e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/people?limit=2&after=%d", b.ID, after), po, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("page: %d %s", res.Status, res.Body)
			}
			res.JSON(t, &page)
			pages++
			for _, p := range page.People {
				if p.ID <= after {
					t.Fatalf("person %d after %d", p.ID, after)
				}
				seen = append(seen, p.Name)
			}
			if page.NextAfter == nil {
				break
			}
			after = *page.NextAfter
		}
		if strings.Join(seen, ",") != "A One,B Two,C Three,D Four,E Five" || pages != 3 {
			t.Fatalf("%d pages: %v", pages, seen)
		}
	})
}

// TestRosterLimitsAreSettings: the roster file limits of the settings
// reach the importer; a file past one fails with a message naming it.
func TestRosterLimitsAreSettings(t *testing.T) {
	e := apptest.NewWith(t, dbtest.Open(t, db.SQLite), func(c *config.Config) { c.RosterMaxColumns = 10 })
	po, _, _, b := rosterTenants(t, e)
	head := "name,email,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12\n"
	res := uploadRoster(t, e, po, b.ID, "wide.csv", head+"Ann,ann@example.org,,,,,,,,,,x\n")
	if res.Status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var queued importView
	res.JSON(t, &queued)
	if v := waitImport(t, e, po, queued.ID); v.Status != "failed" || !strings.Contains(strings.ToLower(v.Error), "column") {
		t.Fatalf("a 12-column file under a 10-column limit: %+v", v)
	}
}

// TestImportOfADeadWorkerStartsAgainWithinAMinute: an import left running
// by a worker that died (its lease lapsed on PostgreSQL; the process gone
// on SQLite) is queued again and done within a minute, says what
// happened, and a live worker's import is never taken from it.
func TestImportOfADeadWorkerStartsAgainWithinAMinute(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		acme := e.Org("acme")
		po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		var b struct{ ID int64 }
		e.Do("POST", "/api/v1/breaches", po, newBreach).JSON(t, &b)
		res := uploadRoster(t, e, po, b.ID, "people.csv", rosterCSV)
		var queued importView
		res.JSON(t, &queued)
		g := e.App.DB.Gorm
		// A live worker holds it: the import is not taken.
		future := time.Now().UTC().Add(time.Minute)
		g.Exec("UPDATE imports SET status = 'running', claimed_by = 'alive', lease_until = ? WHERE id = ?", future, queued.ID)
		if e.App.DB.Dialect == db.Postgres {
			if _, err := e.App.Roster.RunQueued(context.Background(), queued.ID); err != nil {
				t.Fatal(err)
			}
			var owner string
			g.Raw("SELECT claimed_by FROM imports WHERE id = ?", queued.ID).Scan(&owner)
			if owner != "alive" {
				t.Fatalf("a live worker's import was taken by %q", owner)
			}
		}
		// Its worker dies: the lease lapses (PostgreSQL) or the process
		// that held the database is gone (SQLite).
		past := time.Now().UTC().Add(-time.Second)
		lease := any(past)
		if e.App.DB.Dialect == db.SQLite {
			lease = nil
		}
		g.Exec("UPDATE imports SET claimed_by = 'dead', lease_until = ?, started_at = ? WHERE id = ?", lease, past, queued.ID)
		// Its job is the dead worker's too: running, as the job queue sees
		// it, until its own rescue an hour later.
		if err := g.Exec("UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ? WHERE kind = 'roster_import'", past).Error; err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		startWorkers(t, e)
		v := waitImport(t, e, po, queued.ID)
		took := time.Since(start)
		var restarts int
		g.Raw("SELECT restarts FROM imports WHERE id = ?", queued.ID).Scan(&restarts)
		if v.Status != "done" || v.Accepted != 3 || restarts != 1 || took > time.Minute {
			t.Fatalf("after its worker died: %+v, restarts %d, in %v", v, restarts, took)
		}
		t.Logf("done again %v after the workers started", took)
	})
}
