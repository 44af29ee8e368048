package app_test

import (
	"bytes"
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

// TestLimitsAreSettingsAndNamed lowers every request limit of the
// settings and goes past each: the answer is an error that names the
// limit (and its setting), never a 500 or a silent cut.
func TestLimitsAreSettingsAndNamed(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, dbtest.Open(t, db.SQLite), func(c *config.Config) {
		c.BodyLimit, c.JSONMaxDepth, c.JSONMaxItems = 4096, 5, 100
		c.QueryMaxBytes, c.QueryMaxParams = 256, 10
		c.RosterMaxRows, c.CalendarMaxEvents = 1000, 10
	})
	acme := e.Org("acme")
	po := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	var b struct{ ID int64 }
	e.Do("POST", "/api/v1/breaches", po, newBreach).JSON(t, &b)

	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		says               string
	}{
		{"deep JSON", "POST", "/api/v1/breaches", `{"organization":"acme","title":"x","events":[{"kind":"aware","at":[[[[["x"]]]]]}]}`,
			http.StatusUnprocessableEntity, "BREACHLINE_JSON_MAX_DEPTH"},
		{"long JSON array", "POST", "/api/v1/breaches", `{"organization":"acme","title":"x","kinds":[` + strings.Repeat(`"theft",`, 100) + `"theft"]}`,
			http.StatusUnprocessableEntity, "BREACHLINE_JSON_MAX_ITEMS"},
		{"large body", "POST", "/api/v1/breaches", map[string]any{"organization": "acme", "title": "x", "description": strings.Repeat("d", 5000)},
			http.StatusRequestEntityTooLarge, "4096 bytes"},
		{"long query parameter", "GET", "/api/v1/breaches?q=" + strings.Repeat("q", 300), nil,
			http.StatusUnprocessableEntity, "BREACHLINE_QUERY_MAX_BYTES"},
		{"many query parameters", "GET", "/api/v1/breaches?" + strings.Repeat("a=1&", 11), nil,
			http.StatusUnprocessableEntity, "BREACHLINE_QUERY_MAX_PARAMS"},
		{"query not UTF-8", "GET", "/api/v1/breaches?q=%FF%FE", nil, http.StatusBadRequest, "UTF-8"},
	} {
		res := e.Do(tc.method, tc.path, po, tc.body)
		if res.Status != tc.status || !strings.Contains(string(res.Body), tc.says) {
			t.Errorf("%s: %d %.300s; want %d naming %s", tc.name, res.Status, res.Body, tc.status, tc.says)
		}
	}

	// A page says it too.
	session := signedIn(t, e, "po@acme.example")
	if res := getPage(t, e, session.cookie, "/breaches?q="+strings.Repeat("q", 300)); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "BREACHLINE_QUERY_MAX_BYTES") {
		t.Errorf("page with a long query: %d", res.Status)
	}

	// A form field that is not UTF-8 is refused by name.
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/signin", strings.NewReader("email=%FF%FE&password=x&csrf_token=t"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := sendPage(t, req, ""); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "UTF-8") {
		t.Errorf("a form not in UTF-8: %d", res.Status)
	}

	// A roster of more rows than an import may hold is refused whole.
	startWorkers(t, e)
	var file strings.Builder
	file.WriteString("name,email\n")
	for i := range 1001 {
		fmt.Fprintf(&file, "P%d,p%d@example.org\n", i, i)
	}
	res := uploadRoster(t, e, po, b.ID, "big.csv", file.String())
	if res.Status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var queued importView
	res.JSON(t, &queued)
	if v := waitImport(t, e, po, queued.ID); v.Status != "failed" || !strings.Contains(v.Error, "BREACHLINE_ROSTER_MAX_ROWS") {
		t.Errorf("1,001 rows under a 1,000-row limit: %+v", v)
	}

	// A mapping file past its bound is refused, not cut.
	if res := uploadWithMapping(t, e, po, b.ID, strings.Repeat("# comment\n", 120_000)); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(res.Body), "mapping file is larger than") {
		t.Errorf("a 1.2 MB mapping: %d %s", res.Status, res.Body)
	}

	// A calendar feed holds the deadlines due latest, and says so.
	for i := range 12 {
		addDuty(t, e, acme.ID, b.ID, time.Now().Add(time.Duration(i+1)*time.Hour).UTC().Truncate(time.Second))
	}
	status, cal := fetchFeed(t, e, issueFeed(t, e, po))
	if status != http.StatusOK || len(cal.Find("VEVENT")) != 10 || !strings.Contains(cal.Get("X-WR-CALDESC"), "BREACHLINE_CALENDAR_MAX_EVENTS") {
		t.Errorf("feed of 12 deadlines under a 10-event limit: %d, %d events, %q", status, len(cal.Find("VEVENT")), cal.Get("X-WR-CALDESC"))
	}
}

// uploadWithMapping uploads a small roster with a mapping file.
func uploadWithMapping(t *testing.T, e *apptest.Env, tok string, breachID int64, mapping string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mp, _ := mw.CreateFormFile("mapping", "mapping.yaml")
	io.WriteString(mp, mapping)
	fw, _ := mw.CreateFormFile("file", "people.csv")
	io.WriteString(fw, "name,email\nAnn,ann@example.org\n")
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
