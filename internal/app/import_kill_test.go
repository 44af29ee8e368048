package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestImportSurvivesKill9 runs imports in real `breachline serve` and
// `breachline worker` processes, on both databases, and kills the process
// with SIGKILL in the middle of each import: nothing of the import is
// stored, and a new process (a restarted serve, another worker) runs it
// again and commits it, exactly once, within a minute of the kill.
// BREACHLINE_KILL_TRIALS sets the trials per case (default 1).
func TestImportSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports hundreds of thousands of rows in processes it kills (about a minute)")
	}
	trials := 1
	if v := os.Getenv("BREACHLINE_KILL_TRIALS"); v != "" {
		trials, _ = strconv.Atoi(v)
	}
	bin := apptest.Binary(t)
	for _, dialect := range dbtest.Dialects {
		for _, role := range []string{"worker", "serve"} {
			t.Run(string(dialect)+"/"+role, func(t *testing.T) {
				t.Parallel()
				k := newKillCase(t, bin, dialect, role)
				var took []time.Duration
				for i := range trials {
					took = append(took, k.trial(t, i))
				}
				t.Logf("%s, kill -9 of %s mid-import, %d trials: done again %v after the kill", dialect, role, trials, took)
			})
		}
	}
}

// killCase is a database and the processes that import into it.
type killCase struct {
	*apptest.Env
	bin     string
	role    string
	dialect db.Dialect
	rows    int
	file    string
	po      string
	environ []string
}

func newKillCase(t *testing.T, bin string, dialect db.Dialect, role string) *killCase {
	t.Helper()
	secret := strings.Repeat("k9", 32)
	environ := []string{"BREACHLINE_SECRET_KEY=" + secret, "BREACHLINE_AUDIT_KEY=" + dbtest.AuditKey, "BREACHLINE_LOG_LEVEL=warn", "BREACHLINE_LOG_FORMAT=text"}
	var d *db.DB
	var err error
	rows := 200_000
	if dialect == db.SQLite {
		// The processes share the data directory holding the database.
		dir := t.TempDir()
		d, err = db.Open(context.Background(), db.Options{SQLitePath: filepath.Join(dir, "breachline.db")})
		environ = append(environ, "BREACHLINE_DATA_DIR="+dir)
	} else {
		url := dbtest.CreatePostgres(t)
		d, err = db.Open(context.Background(), db.Options{URL: url})
		environ = append(environ, "BREACHLINE_DATABASE_URL="+url)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e := apptest.NewWith(t, d, func(c *config.Config) { c.SecretKey = secret })
	var csv strings.Builder
	csv.WriteString("id,name,email,province,language\n")
	for i := range rows {
		fmt.Fprintf(&csv, "P%06d,Person %d,person%06d@example.org,%s,en\n", i, i, i, []string{"ON", "QC", "BC"}[i%3])
	}
	return &killCase{Env: e, bin: bin, role: role, dialect: dialect, rows: rows, file: csv.String(),
		po: e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer), environ: environ}
}

// start runs a process of the case's role; a serve is waited for until it
// answers, and its address returned.
func (k *killCase) start(t *testing.T, name string) (*apptest.Process, string) {
	t.Helper()
	env := append([]string(nil), k.environ...)
	if k.dialect == db.Postgres {
		env = append(env, "BREACHLINE_DATA_DIR="+t.TempDir())
	}
	if k.role == "worker" {
		return apptest.Start(t, name, k.bin, env, "worker"), ""
	}
	addr := apptest.FreeAddress(t)
	env = append(env, "BREACHLINE_LISTEN="+addr, "BREACHLINE_BASE_URL=http://"+addr)
	p := apptest.Start(t, name, k.bin, env, "serve")
	base := "http://" + addr
	p.WaitHTTP(t, base+"/readyz", time.Minute)
	return p, base
}

// trial imports the roster into a new breach, kills the process running
// the import mid-file, starts another, and returns how long after the
// kill the import was done.
func (k *killCase) trial(t *testing.T, n int) time.Duration {
	t.Helper()
	var b struct{ ID int64 }
	breach := map[string]any{"organization": "acme", "title": fmt.Sprintf("Trial %d", n), "kinds": []string{"theft"},
		"data_categories": []string{"name", "contact"}}
	if res := k.Do("POST", "/api/v1/breaches", k.po, breach); res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	k.Do("GET", "/api/v1/breaches", k.po, nil)
	k.App.DB.Gorm.Raw("SELECT MAX(id) FROM breaches").Scan(&b.ID)

	first, base := k.start(t, fmt.Sprintf("%s %d", k.role, n))
	if base == "" {
		base = k.HTTP.URL // a worker: the upload goes to another process
	}
	id := uploadTo(t, base, k.po, b.ID, k.file)
	k.waitMidImport(t, id)
	first.Kill()
	killed := time.Now()
	if imp := k.importRow(t, id); imp.Status == "done" {
		t.Fatalf("trial %d: the import was done before the kill; make the file larger", n)
	}
	if people := k.people(t, b.ID); people != 0 {
		t.Fatalf("trial %d: %d people stored by an import killed mid-file", n, people)
	}
	var rejects int64
	k.App.DB.Gorm.Raw("SELECT COUNT(*) FROM import_rejects WHERE import_id = ?", id).Scan(&rejects)
	if rejects != 0 {
		t.Fatalf("trial %d: %d rejects stored by an import killed mid-file", n, rejects)
	}

	second, _ := k.start(t, fmt.Sprintf("%s %d, after the kill", k.role, n))
	imp := k.waitDone(t, id, 2*time.Minute)
	took := time.Since(killed)
	if imp.Accepted != int64(k.rows) || imp.Restarts != 1 {
		t.Fatalf("trial %d: after the restart %+v", n, imp)
	}
	if people := k.people(t, b.ID); people != int64(k.rows) {
		t.Fatalf("trial %d: %d people stored, want %d", n, people, k.rows)
	}
	if took > time.Minute {
		t.Errorf("trial %d: done %v after the kill, not within a minute", n, took)
	}
	second.Kill()
	return took.Round(100 * time.Millisecond)
}

// killedImport is what the trials read of an import.
type killedImport struct {
	Status   string
	RowsRead int64
	Accepted int64
	Restarts int
	Error    string
}

func (k *killCase) importRow(t *testing.T, id int64) killedImport {
	t.Helper()
	var imp killedImport
	if err := k.App.DB.Gorm.Raw("SELECT status, rows_read, accepted, restarts, error FROM imports WHERE id = ?", id).Scan(&imp).Error; err != nil {
		t.Fatal(err)
	}
	return imp
}

func (k *killCase) people(t *testing.T, breachID int64) int64 {
	t.Helper()
	var n int64
	if err := k.App.DB.Gorm.Raw("SELECT COUNT(*) FROM affected_people WHERE breach_id = ?", breachID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// waitMidImport waits until the import is into its file: running, with
// progress recorded (PostgreSQL), or running for half a second (SQLite,
// where progress is not written until the commit; the whole file takes
// several seconds).
func (k *killCase) waitMidImport(t *testing.T, id int64) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var running time.Time
	for time.Now().Before(deadline) {
		imp := k.importRow(t, id)
		switch {
		case imp.Status == "running" && k.dialect == db.Postgres && imp.RowsRead > 0:
			return
		case imp.Status == "running" && k.dialect == db.SQLite:
			if running.IsZero() {
				running = time.Now()
			}
			if time.Since(running) > 500*time.Millisecond {
				return
			}
		case imp.Status == "done" || imp.Status == "failed":
			t.Fatalf("the import ended before the kill: %+v", imp)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("import %d never got going", id)
}

func (k *killCase) waitDone(t *testing.T, id int64, within time.Duration) killedImport {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		imp := k.importRow(t, id)
		switch imp.Status {
		case "done":
			return imp
		case "failed":
			t.Fatalf("the import failed after the restart: %+v", imp)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("import %d not done within %v of the restart: %+v", id, within, k.importRow(t, id))
	return killedImport{}
}

// uploadTo uploads a roster to the service at base and returns the import.
func uploadTo(t testing.TB, base, tok string, breachID int64, content string) int64 {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "people.csv")
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/breaches/%d/imports", base, breachID), &body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, raw)
	}
	r := apptest.Response{Status: res.StatusCode, Body: raw}
	var v struct{ ID int64 }
	r.JSON(t, &v)
	return v.ID
}
