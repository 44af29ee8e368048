package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestDatabaseOutageIsA503NeverASignIn: while PostgreSQL refuses new
// connections and terminates the open ones, twenty clients calling the API
// with a valid token get 200 or 503 (with Retry-After), never 401; a page
// answers 503 rather than sending the browser to sign in; and the service
// answers 200 again within seconds of the database's return.
func TestDatabaseOutageIsA503NeverASignIn(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("an outage of a few seconds")
	}
	dsn := dbtest.CreatePostgres(t)
	d, err := db.Open(context.Background(), db.Options{URL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e := apptest.NewOn(t, d)
	tok := e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	cookie := signedIn(t, e, "po@acme.example").cookie
	u, _ := url.Parse(dsn)
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("pgx", dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	outage := func(on bool) {
		if _, err := admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS ` + map[bool]string{true: "false", false: "true"}[on]); err != nil {
			t.Fatal(err)
		}
		if on {
			admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name)
		}
	}

	var mu sync.Mutex
	seen := map[int]int{}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequest("GET", e.HTTP.URL+"/api/v1/breaches", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				mu.Lock()
				seen[res.StatusCode]++
				if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
					seen[-1]++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	outage(true)
	time.Sleep(1500 * time.Millisecond)
	page := getPage(t, e, cookie, "/breaches")
	outage(false)
	back := time.Now()
	for {
		res := e.Do("GET", "/api/v1/breaches", tok, nil)
		if res.Status == http.StatusOK {
			break
		}
		if time.Since(back) > 10*time.Second {
			t.Fatalf("still %d ten seconds after the database came back", res.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovery := time.Since(back)
	stop()
	wg.Wait()
	t.Logf("answers during the outage: %v; recovered in %v", seen, recovery)
	for status, n := range seen {
		if status != http.StatusOK && status != http.StatusServiceUnavailable {
			t.Errorf("%d answers were %d", n, status)
		}
	}
	if seen[http.StatusServiceUnavailable] == 0 {
		t.Error("no request saw the outage: the test proves nothing")
	}
	if page.Status != http.StatusServiceUnavailable {
		t.Errorf("a page during the outage answered %d, want 503", page.Status)
	}
}
