package app_test

import (
	"context"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// browser is a client that keeps its cookies and never follows redirects.
type browser struct {
	t       testing.TB
	e       *apptest.Env
	cookies map[string]string
	// ip, when set, is sent as X-Forwarded-For (which must be ignored).
	ip string
}

func newBrowser(t testing.TB, e *apptest.Env) *browser {
	return &browser{t: t, e: e, cookies: map[string]string{}}
}

// formResult is a page answer with the headers that matter here.
type formResult struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (b *browser) do(method, path string, form url.Values) formResult {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.HTTP.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.ip != "" {
		req.Header.Set("X-Forwarded-For", b.ip)
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return formResult{Status: res.StatusCode, Body: string(raw), Location: res.Header.Get("Location"), Header: res.Header}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// get fetches a page and returns it with its form token.
func (b *browser) get(path string) (formResult, string) {
	b.t.Helper()
	r := b.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(r.Body)
	if m == nil {
		return r, ""
	}
	return r, m[1]
}

// post sends a form with the token of the page at from.
func (b *browser) post(from, path string, form url.Values) formResult {
	b.t.Helper()
	_, token := b.get(from)
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", token)
	return b.do("POST", path, form)
}

// signIn posts the sign-in form.
func (b *browser) signIn(email, password string) formResult {
	b.t.Helper()
	return b.post("/signin", "/signin", url.Values{"email": {email}, "password": {password}})
}

// fakeClock is a clock the tests move forward.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func withClock(e *apptest.Env) *fakeClock {
	c := &fakeClock{now: time.Now().UTC()}
	e.App.Auth.SetClock(c.Now)
	return c
}

func auditCount(t *testing.T, e *apptest.Env, action string) int64 {
	t.Helper()
	var n int64
	e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = ?", action).Scan(&n)
	return n
}

// TestWrongPasswordsThenRightOneIsThrottled is the regression test of the
// unthrottled sign-in: five wrong passwords, then the right one answers
// 429 with Retry-After; once the wait is over it signs in. Every attempt is
// audited.
func TestWrongPasswordsThenRightOneIsThrottled(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		for i := range auth.DefaultThrottle.AccountFree {
			if r := b.signIn("po@acme.example", "wrong password "+strconv.Itoa(i)); r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i+1, r.Status)
			}
		}
		r := b.signIn("po@acme.example", "correct horse battery")
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" || !strings.Contains(r.Body, "Too many attempts") {
			t.Fatalf("right password after %d wrong ones: %d, Retry-After %q", auth.DefaultThrottle.AccountFree, r.Status, r.Header.Get("Retry-After"))
		}
		if _, ok := b.cookies["breachline_session"]; ok {
			t.Fatal("a throttled sign-in set a session")
		}
		clock.Add(time.Second)
		if r := b.signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("right password after the wait: %d", r.Status)
		}
		if n := auditCount(t, e, "signin.failure"); n != int64(auth.DefaultThrottle.AccountFree) {
			t.Errorf("%d failures audited", n)
		}
		if n := auditCount(t, e, "signin.success"); n != 1 {
			t.Errorf("%d successes audited", n)
		}
		// Success forgets the failures: the next wrong password is not held.
		if r := b.signIn("po@acme.example", "wrong again"); r.Status != http.StatusUnauthorized {
			t.Fatalf("after a success: %d", r.Status)
		}
	})
}

// TestConcurrentSignInsAreThrottled is the regression test of 106
// concurrent attempts that never saw a 429: attempts made at once are
// counted before any password is checked, so all but the free ones wait.
func TestConcurrentSignInsAreThrottled(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		const n = 40
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"csrf_token": {"t"}, "email": {"po@acme.example"}, "password": {"wrong password " + strconv.Itoa(i)}}
				b := newBrowser(t, e)
				b.cookies["breachline_csrf"] = "t"
				statuses[i] = b.do("POST", "/signin", form).Status
			}()
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[http.StatusUnauthorized] > auth.DefaultThrottle.AccountFree || count[http.StatusTooManyRequests] < n-auth.DefaultThrottle.AccountFree ||
			count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != n {
			t.Fatalf("%d concurrent attempts answered %v; want at most %d checked", n, count, auth.DefaultThrottle.AccountFree)
		}
		if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusTooManyRequests {
			t.Fatalf("right password just after: %d", r.Status)
		}
	})
}

// TestLockOutAndUnlockByEmail: ten failures lock the account (audited
// once) and e-mail its owner a single-use link; locked, even the right
// password waits; the link lifts the lock.
func TestLockOutAndUnlockByEmail(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		for i := range auth.DefaultThrottle.LockAfter {
			if r := b.signIn("po@acme.example", "wrong password "+strconv.Itoa(i)); r.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, r.Status)
			}
			clock.Add(auth.DefaultThrottle.Max) // past any back-off
		}
		e.App.Auth.Wait()
		if n := auditCount(t, e, "signin.lockout"); n != 1 {
			t.Fatalf("%d lock-outs audited", n)
		}
		r := b.signIn("po@acme.example", "correct horse battery")
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("locked account, right password: %d", r.Status)
		}
		links := mailedLinks(t, e, "po@acme.example", "/signin/unlock/")
		if len(links) != 1 {
			t.Fatalf("%d unlock e-mails", len(links))
		}
		page, _ := b.get(links[0])
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Unlock sign-in") {
			t.Fatalf("unlock page: %d", page.Status)
		}
		if r := b.post(links[0], links[0], nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "Sign-in unlocked") {
			t.Fatalf("unlock: %d %s", r.Status, r.Body)
		}
		if r := b.signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in after unlocking: %d", r.Status)
		}
		if n := auditCount(t, e, "signin.unlock"); n != 1 {
			t.Errorf("%d unlocks audited", n)
		}
		if again, _ := b.get(links[0]); again.Status != http.StatusNotFound {
			t.Errorf("a used unlock link: %d", again.Status)
		}
	})
}

// TestForwardedForIsNotTrusted: a client cannot escape its network's
// count by naming other addresses in X-Forwarded-For.
func TestForwardedForIsNotTrusted(t *testing.T) {
	e := apptest.New(t, "sqlite")
	limit := auth.DefaultThrottle.ClientFree
	var last int
	for i := 0; i <= limit; i++ {
		b := newBrowser(t, e)
		b.ip = "203.0.113." + strconv.Itoa(i+1)
		last = b.signIn("nobody"+strconv.Itoa(i)+"@example.org", "wrong password").Status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("attempt %d from one client with varied X-Forwarded-For: %d, want 429", limit+1, last)
	}
}

// TestSignInAnswersAlike: an unknown address, an account without a
// password and a disabled account get the same answer as a wrong
// password, after the same work: one password verification each (timing
// on a shared machine varies too much to compare; the work does not).
func TestSignInAnswersAlike(t *testing.T) {
	e := apptest.NewWith(t, openSQLite(t), func(c *configT) { c.PasswordMemoryKiB = 46 * 1024 })
	org := e.Org("acme")
	e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	e.User("gone@acme.example", org, auth.RoleViewer)
	ctx := context.Background()
	gone, _ := e.App.Auth.UserByEmail(ctx, "gone@acme.example")
	if err := e.App.Auth.SetDisabled(ctx, e.App.DB.Gorm, gone.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Auth.CreateUser(ctx, e.App.DB.Gorm, "nopass@acme.example", "", ""); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ email, password string }{{"po@acme.example", "wrong password"}, {"nobody@acme.example", "correct horse battery"},
		{"nopass@acme.example", "correct horse battery"}, {"gone@acme.example", "correct horse battery"}}
	bodies := make([]string, len(cases))
	for i, c := range cases {
		b := newBrowser(t, e)
		before := e.App.Auth.PasswordChecks()
		r := b.signIn(c.email, c.password)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("%s: %d", c.email, r.Status)
		}
		// The same work for every answer: one password verification.
		if n := e.App.Auth.PasswordChecks() - before; n != 1 {
			t.Errorf("%s: %d password verifications, want 1 as for a wrong password", c.email, n)
		}
		bodies[i] = regexp.MustCompile(`value="[^"]*"`).ReplaceAllString(r.Body, "")
	}
	for i, c := range cases[1:] {
		if bodies[i+1] != bodies[0] {
			t.Errorf("%s: the page differs from a wrong password's", c.email)
		}
	}
}

// TestOldBcryptHashIsReplacedAtSignIn: a password hashed with bcrypt before
// argon2id still signs in, and is then stored as argon2id.
func TestOldBcryptHashIsReplacedAtSignIn(t *testing.T) {
	e := apptest.New(t, "sqlite")
	e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	// bcrypt, cost 4, of "correct horse battery".
	old := "$2a$04$yQeT8rrhzw8IJUdYb7NV9uCdDNka9sYp5rYp3abu48mdZGnIzlZwO"
	e.App.DB.Gorm.Exec("UPDATE users SET password_hash = ? WHERE email = 'po@acme.example'", old)
	if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in with a bcrypt hash: %d", r.Status)
	}
	var hash string
	e.App.DB.Gorm.Raw("SELECT password_hash FROM users WHERE email = 'po@acme.example'").Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash after sign-in: %s", hash)
	}
	if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in with the new hash: %d", r.Status)
	}
}

// configT is the configuration a test environment may change.
type configT = config.Config

func openSQLite(t testing.TB) *db.DB { return dbtest.OpenEmpty(t, db.SQLite) }

func sortDurations(ds []time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
}

// mailedLinks returns the links to pages under prefix e-mailed to an
// address, oldest first.
func mailedLinks(t *testing.T, e *apptest.Env, to, prefix string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.App.Cfg.OutboxDir(), "*.eml"))
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().Before(b.ModTime())
	})
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+`)
	var out []string
	for _, f := range files {
		raw, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(raw)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Header.Get("To"), to) {
			if link := re.FindString(messageText(t, m)); link != "" {
				out = append(out, link)
			}
		}
		raw.Close()
	}
	return out
}
