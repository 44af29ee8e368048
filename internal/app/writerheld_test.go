package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/db"
)

// auditedReads are the GET routes whose answer is personal data or a
// stored document, whose reading is audited: with the writer held past
// the wait, they answer 503 with Retry-After rather than unaudited.
var auditedReads = map[string]bool{
	"/api/v1/breaches/:id/people":                      true,
	"/api/v1/breaches/:id/roster/export.csv":           true,
	"/api/v1/documents/:id/pdf":                        true,
	"/api/v1/documents/:id/csv":                        true,
	"/api/v1/campaigns/:id/letters/:file/pdf":          true,
	"/api/v1/campaigns/:id/letters/:file/manifest.csv": true,
	"/api/v1/campaigns/:id/preview/:person":            true,
	"/api/v1/campaigns/:id/deliveries":                 true,
	"/api/v1/campaigns/:id/deliveries.csv":             true,
	"/api/v1/campaigns/:id/review":                     true,
	"/api/v1/campaigns/:id/bounces":                    true,
	"/breaches/:id/review":                             true,
	"/breaches/:id/people":                             true,
	"/breaches/:id/people/:pid":                        true,
}

// TestReadsDoNotWaitForTheWriter holds SQLite's one writer in an open
// transaction, as an import does for its whole length, and requests every
// GET route of the API and the pages, signed in: each answers within a
// second, with what it would answer anyway, or 503 and Retry-After for the
// reads that must write their audit record first.
func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	t.Parallel()
	n := newNoticeEnv(t, db.SQLite)
	campaign := n.createCampaign(t)
	doc := generate(t, n.Env, n.po, n.breach, map[string]any{"kind": "summary"}, http.StatusCreated)
	var importID, obligationID int64
	n.App.DB.Gorm.Raw("SELECT id FROM imports WHERE breach_id = ?", n.breach).Scan(&importID)
	n.App.DB.Gorm.Raw("SELECT id FROM obligations WHERE breach_id = ? LIMIT 1", n.breach).Scan(&obligationID)
	params := map[string]string{":id": "", ":oid": fmt.Sprint(obligationID), ":org": "acme", ":person": fmt.Sprint(n.people["P01"]),
		":file": "1", ":pid": fmt.Sprint(n.people["P01"]), ":token": "no-such-token", "*filepath": "/app.css"}
	ids := map[string]int64{"/api/v1/campaigns/": campaign, "/api/v1/breaches/": n.breach, "/breaches/": n.breach,
		"/api/v1/documents/": doc.ID, "/api/v1/imports/": importID, "/imports/": importID}
	session := signedIn(t, n.Env, "po@acme.example")

	// The session and token were last used long enough ago to be touched
	// again: a write on the side that must not wait either.
	long := time.Now().UTC().Add(-10 * time.Minute)
	n.App.DB.Gorm.Exec("UPDATE sessions SET last_seen_at = ?", long)
	n.App.DB.Gorm.Exec("UPDATE api_tokens SET last_used_at = ?", long)

	release := holdWriter(t, n.App.DB)
	defer release()
	for _, r := range n.Server.Engine.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		path := r.Path
		for prefix, id := range ids {
			if strings.HasPrefix(path, prefix+":id") {
				path = strings.Replace(path, ":id", fmt.Sprint(id), 1)
			}
		}
		for p, v := range params {
			path = strings.Replace(path, p, v, 1)
		}
		if strings.HasPrefix(path, "/calendar/") {
			path = "/calendar/no-such-feed.ics"
		}
		start := time.Now()
		var status int
		var retry string
		if strings.HasPrefix(path, "/api/") {
			res := n.Do("GET", path, n.po, nil)
			status, retry = res.Status, res.Header.Get("Retry-After")
		} else {
			status, retry = pageStatus(t, n.Env, session.cookie, path)
		}
		took := time.Since(start)
		if took > time.Second {
			t.Errorf("GET %s took %v with the writer held", path, took)
		}
		switch {
		case status == http.StatusServiceUnavailable && auditedReads[r.Path] && retry != "":
		case status >= 500:
			t.Errorf("GET %s: %d with the writer held", path, status)
		case auditedReads[r.Path]:
			t.Errorf("GET %s: %d with the writer held; an audited read cannot be answered then", path, status)
		}
	}
	release()
	// The writer free again, the audited reads are answered.
	for _, path := range []string{fmt.Sprintf("/api/v1/breaches/%d/people", n.breach), fmt.Sprintf("/api/v1/documents/%d/pdf", doc.ID)} {
		if res := n.Do("GET", path, n.po, nil); res.Status != http.StatusOK {
			t.Errorf("GET %s after the writer was released: %d %s", path, res.Status, res.Body)
		}
	}
}

// holdWriter begins a write transaction and holds it until release is
// called (release may be called more than once).
func holdWriter(t *testing.T, d *db.DB) (release func()) {
	t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(done)
		d.Tx(context.Background(), func(tx *gorm.DB) error {
			close(held)
			<-stop
			return nil
		})
	}()
	<-held
	var once bool
	return func() {
		if !once {
			once = true
			close(stop)
			<-done
		}
	}
}

// pageStatus GETs a page with a session cookie and returns its status and
// Retry-After header.
func pageStatus(t *testing.T, e *apptest.Env, cookie, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.HTTP.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "breachline_session", Value: cookie})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Retry-After")
}
