// Package apptest builds a complete application on a fresh database for
// integration tests, with helpers to create users and call the API.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// OperatorEmail is the test user who operates the installation.
const OperatorEmail = "admin@acme.example"

// FastPasswordMemoryKiB is the argon2id memory of the tests' password
// hashes (a millisecond each instead of tens).
const FastPasswordMemoryKiB = 1024

// Env is one application under test.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *web.Server
	HTTP   *httptest.Server
}

// New builds an application on a fresh migrated database of the dialect
// (a copy of a template, see dbtest.Open; app.New finds nothing to migrate).
// Tests that build their Env this way may call t.Parallel: nothing in an Env
// is shared with another.
func New(t testing.TB, dialect db.Dialect) *Env {
	t.Helper()
	return NewOn(t, dbtest.Open(t, dialect))
}

// NewOn builds an application on an opened database (migrating it if it is
// not yet), as another serve or worker process on the same database would.
func NewOn(t testing.TB, d *db.DB) *Env {
	t.Helper()
	return NewWith(t, d, nil)
}

// NewWith builds an application on an opened database with settings that
// set changes (a mail server, sending caps) from the tests' defaults.
func NewWith(t testing.TB, d *db.DB, set func(*config.Config)) *Env {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	// The acme administrator of the tests also operates the installation
	// (may add calendar closures, which affect every organization).
	cfg.Operators = []string{OperatorEmail}
	// Cheap password hashes: tests create many users.
	cfg.PasswordMemoryKiB, cfg.PasswordIterations = FastPasswordMemoryKiB, 1
	// Every process on one database keys the audit chain alike.
	cfg.AuditKey = dbtest.AuditKey
	// No checkpoint e-mail in the middle of a test that counts messages.
	cfg.AuditCheckpointEvery, cfg.AuditVerifyEvery = 100000*time.Hour, 100000*time.Hour
	if set != nil {
		set(&cfg)
	}
	a, err := app.New(context.Background(), cfg, testLogger(), d)
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	srv, err := a.Router()
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	// After the server has closed (cleanups run last first), before the
	// database does: the counts kept in memory are written.
	t.Cleanup(func() { _ = a.StopCounting(context.Background()) })
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &Env{T: t, App: a, Server: srv, HTTP: hs}
}

// Org creates an organization.
func (e *Env) Org(slug string) auth.Organization {
	e.T.Helper()
	name, tz := "Org "+slug, "America/Toronto"
	o, err := e.App.Auth.CreateOrganization(context.Background(), nil, "", auth.OrgInput{Slug: &slug, Name: &name, TimeZone: &tz})
	if err != nil {
		e.T.Fatalf("org: %v", err)
	}
	return o
}

// User creates a user with a role in an organization and returns an API token.
func (e *Env) User(email string, org auth.Organization, role auth.Role) string {
	e.T.Helper()
	ctx := context.Background()
	var uid int64
	existing, lookErr := e.App.Auth.UserByEmail(ctx, email)
	err := e.App.DB.Tx(ctx, func(tx *gorm.DB) error {
		u, err := existing, lookErr
		if err != nil {
			if u, err = e.App.Auth.CreateUser(ctx, tx, email, email, "correct horse battery"); err != nil {
				return err
			}
		}
		uid = u.ID
		return e.App.Auth.SetMembership(ctx, tx, u.ID, org.ID, role)
	})
	if err != nil {
		e.T.Fatalf("user: %v", err)
	}
	tok, _, err := e.App.Auth.CreateToken(ctx, nil, "", uid, "test", nil)
	if err != nil {
		e.T.Fatalf("token: %v", err)
	}
	return tok
}

// Response is a decoded API response.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do calls the API with a bearer token ("" for none) and a body (string,
// []byte or a value marshalled to JSON; nil for none).
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.HTTP.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Body: raw, Header: res.Header}
}

// testLogger discards the application's log unless BREACHLINE_TEST_LOG is
// set, when it writes it to standard error (to see why a request failed).
func testLogger() *slog.Logger {
	if os.Getenv("BREACHLINE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Breach creates a breach through the API as the token's user and returns
// its id; in must name the organization and give a title and kinds.
func (e *Env) Breach(token string, in map[string]any) int64 {
	e.T.Helper()
	res := e.Do("POST", "/api/v1/breaches", token, in)
	if res.Status != http.StatusCreated {
		e.T.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(e.T, &b)
	return b.ID
}

// Person is one affected person as People imports them: Region is a
// region code (CA-ON, US-CA, DE).
type Person struct {
	Name, Email, Region string
}

// People imports people into a breach's roster through the importer, as
// an upload would: their counts follow and the breach's obligations are
// evaluated again. A person listed twice is flagged as a duplicate.
func (e *Env) People(breachID int64, people ...Person) roster.Result {
	e.T.Helper()
	var b strings.Builder
	b.WriteString("name,email,country,province\n")
	for _, p := range people {
		country, province, _ := strings.Cut(p.Region, "-")
		fmt.Fprintf(&b, "%q,%s,%s,%s\n", p.Name, p.Email, country, province)
	}
	ctx := context.Background()
	imp, err := roster.Queue(ctx, e.App.DB.Gorm, nil, breachID, roster.Upload{FileName: "fichier.csv"})
	if err != nil {
		e.T.Fatalf("people: %v", err)
	}
	res, err := e.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(b.String()), roster.RunOptions{})
	if err != nil || res.Rejected != 0 {
		e.T.Fatalf("people: %+v %v", res, err)
	}
	return res
}

// Many is n distinct people of one region.
func Many(region string, n int) []Person {
	out := make([]Person, n)
	for i := range out {
		out[i] = Person{Name: fmt.Sprintf("Person %s %d", region, i+1), Region: region}
	}
	return out
}
