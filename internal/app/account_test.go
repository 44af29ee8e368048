package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
)

// TestSessionRotationAndTimeouts: signing in ends the browser's earlier
// session and gives a new one; a session ends after the idle timeout
// without a request, and at the absolute timeout however busy.
func TestSessionRotationAndTimeouts(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		if r := b.signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", r.Status)
		}
		first := b.cookies["breachline_session"]
		if r := b.signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", r.Status)
		}
		second := b.cookies["breachline_session"]
		if second == "" || second == first {
			t.Fatal("signing in again kept the session id")
		}
		if getPage(t, e, first, "/breaches").Status != http.StatusSeeOther {
			t.Fatal("the session replaced at sign-in still works")
		}
		// Idle: 29 minutes apart is fine, 30 without a request is not.
		for range 3 {
			clock.Add(29 * time.Minute)
			if getPage(t, e, second, "/breaches").Status != http.StatusOK {
				t.Fatal("a session in use ended")
			}
		}
		clock.Add(auth.DefaultSessionIdle)
		if getPage(t, e, second, "/breaches").Status != http.StatusSeeOther {
			t.Fatal("an idle session still works")
		}
		// Absolute: busy for 12 hours, still ended.
		b.signIn("po@acme.example", "correct horse battery")
		busy := b.cookies["breachline_session"]
		for elapsed := time.Duration(0); elapsed < e.App.Cfg.SessionTTL-20*time.Minute; elapsed += 20 * time.Minute {
			clock.Add(20 * time.Minute)
			if getPage(t, e, busy, "/breaches").Status != http.StatusOK {
				t.Fatalf("a busy session ended after %v", elapsed)
			}
		}
		clock.Add(20 * time.Minute)
		if getPage(t, e, busy, "/breaches").Status != http.StatusSeeOther {
			t.Fatal("a session outlived the absolute timeout")
		}
	})
}

// TestSignOutNeedsTheFormToken is the regression test of a sign-out
// without the form's token that cleared the cookie and left the session
// alive: now such a sign-out changes nothing (the cookie and the session
// both stay, and the page offers a working form); with the token the
// session ends on the server, so a copy of the cookie is useless.
func TestSignOutNeedsTheFormToken(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		b.signIn("po@acme.example", "correct horse battery")
		cookie := b.cookies["breachline_session"]
		for _, token := range []string{"", "forged"} {
			r := b.do("POST", "/signout", url.Values{"csrf_token": {token}})
			if r.Status != http.StatusForbidden || strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), " "), "breachline_session") {
				t.Fatalf("sign-out with token %q: %d %v", token, r.Status, r.Header.Values("Set-Cookie"))
			}
			if getPage(t, e, cookie, "/breaches").Status != http.StatusOK {
				t.Fatal("a refused sign-out ended the session")
			}
		}
		r := b.post("/breaches", "/signout", nil)
		if r.Status != http.StatusSeeOther || b.cookies["breachline_session"] != "" {
			t.Fatalf("sign-out: %d, cookie %q", r.Status, b.cookies["breachline_session"])
		}
		if getPage(t, e, cookie, "/breaches").Status != http.StatusSeeOther {
			t.Fatal("the session outlived its sign-out")
		}
	})
}

// TestPasswordResetByEmail: the forgot-password answer is the same for an
// address with or without an account; only the account gets a link, which
// sets a password under the policy once, ends every session and revokes
// every token.
func TestPasswordResetByEmail(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		tok := e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		b.signIn("po@acme.example", "correct horse battery")
		session := b.cookies["breachline_session"]
		var pages []string
		for _, email := range []string{"po@acme.example", "nobody@acme.example"} {
			r := newBrowser(t, e).post("/password/forgot", "/password/forgot", url.Values{"email": {email}})
			if r.Status != http.StatusOK {
				t.Fatalf("forgot %s: %d", email, r.Status)
			}
			pages = append(pages, r.Body)
		}
		if pages[0] != pages[1] || !strings.Contains(pages[0], "Check your e-mail") {
			t.Fatal("the answers differ between an account and no account")
		}
		e.App.Auth.Wait()
		if n := len(mailedLinks(t, e, "nobody@acme.example", "/password/reset/")); n != 0 {
			t.Fatalf("%d links sent to an address without an account", n)
		}
		links := mailedLinks(t, e, "po@acme.example", "/password/reset/")
		if len(links) != 1 {
			t.Fatalf("%d reset links", len(links))
		}
		link, rb := links[0], newBrowser(t, e)
		if page, _ := rb.get(link); page.Status != http.StatusOK || page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("reset page: %d %q", page.Status, page.Header.Get("Referrer-Policy"))
		}
		for _, weak := range []string{"aaaaaaaaaaaa", "password1234"} {
			r := rb.post(link, link, url.Values{"password": {weak}, "password_again": {weak}})
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="password-error"`) {
				t.Fatalf("weak password %q: %d", weak, r.Status)
			}
		}
		r := rb.post(link, link, url.Values{"password": {"a fresh reset passphrase"}, "password_again": {"a fresh reset passphrase"}})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Your password was changed") {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		if getPage(t, e, session, "/breaches").Status != http.StatusSeeOther || e.Do("GET", "/api/v1/me", tok, nil).Status != http.StatusUnauthorized {
			t.Fatal("a session or token survived the reset")
		}
		used := url.Values{"csrf_token": {rb.cookies["breachline_csrf"]}, "password": {"yet another passphrase"}, "password_again": {"yet another passphrase"}}
		if again := rb.do("POST", link, used); again.Status != http.StatusNotFound {
			t.Fatalf("a used reset link: %d", again.Status)
		}
		if r := newBrowser(t, e).signIn("po@acme.example", "a fresh reset passphrase"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in with the new password: %d", r.Status)
		}
		if n := auditCount(t, e, "user.password_reset"); n != 1 {
			t.Errorf("%d resets audited", n)
		}
		// A link expires after an hour.
		clock.Add(2 * time.Minute)
		newBrowser(t, e).post("/password/forgot", "/password/forgot", url.Values{"email": {"po@acme.example"}})
		e.App.Auth.Wait()
		links = mailedLinks(t, e, "po@acme.example", "/password/reset/")
		clock.Add(auth.ResetLinkTTL)
		if page, _ := newBrowser(t, e).get(links[len(links)-1]); page.Status != http.StatusNotFound {
			t.Fatalf("an expired reset link: %d", page.Status)
		}
	})
}

var secretRe = regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`)

// TestTwoStepSignIn enrols an authenticator through the account page,
// signs in with a code (once only) and with a recovery code (once only),
// and turns it off with the password. Administrators see who uses it.
func TestTwoStepSignIn(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		org := e.Org("acme")
		admin := e.User("admin@acme.example", org, auth.RoleAdmin)
		viewer := e.User("po@acme.example", org, auth.RoleViewer)
		b := newBrowser(t, e)
		b.signIn("po@acme.example", "correct horse battery")
		r := b.post("/account", "/account/two-step", nil)
		m := secretRe.FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil || !strings.Contains(r.Body, `src="data:image/png;base64,`) || !strings.Contains(r.Body, "otpauth://totp/Breachline:po@acme.example") {
			t.Fatalf("set-up page: %d", r.Status)
		}
		secret := m[1]
		if r := b.post("/account", "/account/two-step/confirm", url.Values{"code": {"000000"}}); r.Status != http.StatusBadRequest {
			t.Fatalf("wrong first code: %d", r.Status)
		}
		code, _ := auth.TOTPCode(secret, clock.Now())
		r = b.post("/account", "/account/two-step/confirm", url.Values{"code": {code}})
		recovery := regexp.MustCompile(`<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>`).FindAllStringSubmatch(r.Body, -1)
		if r.Status != http.StatusOK || len(recovery) != auth.RecoveryCodeCount {
			t.Fatalf("confirm: %d, %d recovery codes", r.Status, len(recovery))
		}
		var stored int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM recovery_codes WHERE code_hash = ?", recovery[0][1]).Scan(&stored)
		if stored != 0 {
			t.Fatal("a recovery code is stored in clear")
		}
		// Members: the admin sees who uses two-step sign-in; a viewer sees
		// no addresses at all.
		var list struct{ Members []map[string]any }
		e.Do("GET", "/api/v1/organizations/acme/members", admin, nil).JSON(t, &list)
		for _, mb := range list.Members {
			if mb["email"] == "po@acme.example" && mb["two_step"] != true || mb["email"] == nil {
				t.Fatalf("admin's member list: %v", list.Members)
			}
		}
		body := string(e.Do("GET", "/api/v1/organizations/acme/members", viewer, nil).Body)
		if strings.Contains(body, `"email"`) || strings.Contains(body, "two_step") || !strings.Contains(body, `"role":"admin"`) {
			t.Fatalf("viewer's member list: %s", body)
		}
		// Sign-in now asks for a code.
		clock.Add(time.Minute)
		s := newBrowser(t, e)
		r = s.signIn("po@acme.example", "correct horse battery")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Two-step sign-in") || s.cookies["breachline_session"] != "" {
			t.Fatalf("password step: %d", r.Status)
		}
		if r := s.post("/signin", "/signin/code", url.Values{"code": {"123456"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong code: %d", r.Status)
		}
		code, _ = auth.TOTPCode(secret, clock.Now())
		form := url.Values{"code": {code}, "csrf_token": {s.cookies["breachline_csrf"]}}
		if r := s.do("POST", "/signin/code", form); r.Status != http.StatusSeeOther || s.cookies["breachline_session"] == "" {
			t.Fatalf("right code: %d", r.Status)
		}
		// The same code cannot be used again, even within its 30 seconds.
		replay := newBrowser(t, e)
		replay.signIn("po@acme.example", "correct horse battery")
		if r := replay.post("/signin", "/signin/code", url.Values{"code": {code}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("a replayed code: %d", r.Status)
		}
		if r := replay.post("/signin", "/signin/code", url.Values{"code": {recovery[0][1]}}); r.Status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d", r.Status)
		}
		again := newBrowser(t, e)
		again.signIn("po@acme.example", "correct horse battery")
		if r := again.post("/signin", "/signin/code", url.Values{"code": {recovery[0][1]}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("a used recovery code: %d", r.Status)
		}
		if n := auditCount(t, e, "user.totp_enable"); n != 1 {
			t.Errorf("%d enrolments audited", n)
		}
		// Off, with the password only.
		if r := b.post("/account", "/account/two-step/disable", url.Values{"current_password": {"wrong"}}); r.Status != http.StatusBadRequest {
			t.Fatalf("disable with a wrong password: %d", r.Status)
		}
		if r := b.post("/account", "/account/two-step/disable", url.Values{"current_password": {"correct horse battery"}}); r.Status != http.StatusOK {
			t.Fatalf("disable: %d", r.Status)
		}
		if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in after turning it off: %d", r.Status)
		}
	})
}

// TestPasswordPolicyOnChange is the regression test of accepted weak
// passwords: a change to aaaaaaaaaaaa or password1234 is refused.
func TestPasswordPolicyOnChange(t *testing.T) {
	e := apptest.New(t, "sqlite")
	e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	b := newBrowser(t, e)
	b.signIn("po@acme.example", "correct horse battery")
	for _, weak := range []string{"aaaaaaaaaaaa", "password1234", "Po.acme.example1"} {
		r := b.post("/account", "/account/password", url.Values{"current_password": {"correct horse battery"},
			"new_password": {weak}, "new_password_again": {weak}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="new-error"`) {
			t.Errorf("new password %q: %d", weak, r.Status)
		}
	}
	r := b.post("/account", "/account/password", url.Values{"current_password": {"correct horse battery"},
		"new_password": {"river stone ladder"}, "new_password_again": {"river stone ladder"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Your password was changed") {
		t.Fatalf("a good new password: %d", r.Status)
	}
}

// TestAccountTokensShownOnce: a token made on the account page is shown
// once, listed with its scope and expiry, and revoked from there.
func TestAccountTokensShownOnce(t *testing.T) {
	e := apptest.New(t, "sqlite")
	e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	b := newBrowser(t, e)
	b.signIn("po@acme.example", "correct horse battery")
	r := b.post("/account", "/account/tokens", url.Values{"name": {"reporting"}, "scope": {"read"}, "expires_days": {"30"}})
	plain := regexp.MustCompile(`blt_[A-Za-z0-9_-]+`).FindString(r.Body)
	if r.Status != http.StatusCreated || plain == "" {
		t.Fatalf("create: %d", r.Status)
	}
	if e.Do("GET", "/api/v1/me", plain, nil).Status != http.StatusOK || e.Do("POST", "/api/v1/tokens", plain, map[string]string{"name": "x"}).Status != http.StatusForbidden {
		t.Fatal("the read token does not read, or writes")
	}
	page, _ := b.get("/account")
	if strings.Contains(page.Body, plain) || !strings.Contains(page.Body, "<td>reporting</td>") || !strings.Contains(page.Body, "<td>read</td>") {
		t.Fatal("the account page shows the token again, or does not list it")
	}
	var id int64
	e.App.DB.Gorm.Raw("SELECT id FROM api_tokens WHERE name = 'reporting'").Scan(&id)
	if r := b.post("/account", fmt.Sprintf("/account/tokens/%d/revoke", id), nil); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d", r.Status)
	}
	if e.Do("GET", "/api/v1/me", plain, nil).Status != http.StatusUnauthorized {
		t.Fatal("a revoked token works")
	}
	if r := b.do("POST", fmt.Sprintf("/account/tokens/%d/revoke", id), url.Values{"csrf_token": {"wrong"}}); r.Status != http.StatusForbidden {
		t.Fatalf("revoke without the form's token: %d", r.Status)
	}
}

// TestHTTPSSettings: with an https base URL, answers carry HSTS and the
// session cookie is Secure; over http neither.
func TestHTTPSSettings(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "https://breachline.example.org"} {
		e := apptest.NewWith(t, openSQLite(t), func(c *configT) { c.BaseURL = base })
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery")
		https := strings.HasPrefix(base, "https")
		cookies := strings.Join(r.Header.Values("Set-Cookie"), "\n")
		if (r.Header.Get("Strict-Transport-Security") != "") != https || strings.Contains(cookies, "Secure") != https {
			t.Errorf("%s: HSTS %q, cookies %s", base, r.Header.Get("Strict-Transport-Security"), cookies)
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing", base)
		}
	}
}

// TestPurgeEndedAccountRecords: the hourly purge deletes idle and expired
// sessions, old sign-in counts and old links, and keeps live ones.
func TestPurgeEndedAccountRecords(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		clock := withClock(e)
		e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
		b := newBrowser(t, e)
		b.signIn("po@acme.example", "wrong password")
		b.signIn("po@acme.example", "correct horse battery")
		newBrowser(t, e).signIn("nobody@acme.example", "wrong password")
		newBrowser(t, e).post("/password/forgot", "/password/forgot", url.Values{"email": {"po@acme.example"}})
		e.App.Auth.Wait()
		count := func(table string) (n int64) {
			e.App.DB.Gorm.Raw("SELECT count(*) FROM " + table).Scan(&n)
			return n
		}
		if _, err := e.App.Auth.PurgeSessions(context.Background(), clock.Now()); err != nil {
			t.Fatal(err)
		}
		if count("sessions") != 1 || count("signin_throttle") == 0 || count("account_links") != 1 {
			t.Fatalf("live records purged: %d sessions, %d counts, %d links", count("sessions"), count("signin_throttle"), count("account_links"))
		}
		later := clock.Now().Add(8 * 24 * time.Hour)
		if _, err := e.App.Auth.PurgeSessions(context.Background(), later); err != nil {
			t.Fatal(err)
		}
		if count("sessions") != 0 || count("signin_throttle") != 0 || count("account_links") != 0 {
			t.Fatalf("ended records kept: %d sessions, %d counts, %d links", count("sessions"), count("signin_throttle"), count("account_links"))
		}
	})
}

// TestPasswordChangeIsThrottled: wrong current passwords on the API count
// as failed sign-ins, so a stolen token cannot guess the password.
func TestPasswordChangeIsThrottled(t *testing.T) {
	e := apptest.New(t, "sqlite")
	tok := e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	body := map[string]string{"current_password": "a wrong guess", "new_password": "river stone ladder"}
	for i := range auth.DefaultThrottle.AccountFree {
		if res := e.Do("POST", "/api/v1/me/password", tok, body); res.Status != http.StatusBadRequest {
			t.Fatalf("wrong current password %d: %d", i+1, res.Status)
		}
	}
	body["current_password"] = "correct horse battery"
	res := e.Do("POST", "/api/v1/me/password", tok, body)
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("right password after wrong ones: %d %s", res.Status, res.Body)
	}
}
