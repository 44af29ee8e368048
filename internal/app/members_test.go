package app_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
)

// invitationLinks returns the invitation links e-mailed to an address, oldest first.
func invitationLinks(t *testing.T, e *apptest.Env, to string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.App.Cfg.OutboxDir(), "*.eml"))
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.ModTime().Before(b.ModTime())
	})
	re := regexp.MustCompile(`/invitations/[A-Za-z0-9_-]+`)
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
		if !strings.Contains(m.Header.Get("To"), to) || !strings.HasPrefix(m.Header.Get("Subject"), "Invitation") {
			raw.Close()
			continue
		}
		if m.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("invitation without Auto-Submitted")
		}
		out = append(out, re.FindString(messageText(t, m)))
		raw.Close()
	}
	return out
}

// messageText decodes the text of a message, single part or multipart.
func messageText(t *testing.T, m *mail.Message) string {
	t.Helper()
	mt, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	decode := func(enc string, r io.Reader) string {
		if strings.EqualFold(enc, "quoted-printable") {
			r = quotedprintable.NewReader(r)
		}
		b, _ := io.ReadAll(r)
		return string(b)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return decode(m.Header.Get("Content-Transfer-Encoding"), m.Body)
	}
	var sb strings.Builder
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		sb.WriteString(decode(p.Header.Get("Content-Transfer-Encoding"), p))
	}
	return sb.String()
}

// postBrowserForm posts a browser form with a session cookie ("" for none) and a
// pre-session CSRF cookie when csrf is given without a session.
func postBrowserForm(t *testing.T, e *apptest.Env, path, cookie, preCSRF string, form url.Values) pageResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", e.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if preCSRF != "" {
		req.AddCookie(&http.Cookie{Name: "breachline_csrf", Value: preCSRF})
	}
	return sendPage(t, req, cookie)
}

// TestAdminCannotTakeOverAnotherOrganizationsAccount is the regression test
// for the takeover: an admin of A added new.hire@b.example to A with a
// password of their choosing; B's admin later added the same address, the
// account was reused and B's password ignored, and A's admin signed in and
// read B's roster. Admins now only invite; the person sets their own
// password from the link sent to their address.
func TestAdminCannotTakeOverAnotherOrganizationsAccount(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a, b := e.Org("org-a"), e.Org("org-b")
		adminA := e.User("admin@a.example", a, auth.RoleAdmin)
		adminB := e.User("admin@b.example", b, auth.RoleAdmin)

		// The attack as it was: a password in the request is refused.
		res := e.Do("POST", "/api/v1/organizations/org-a/members", adminA,
			map[string]string{"email": "new.hire@b.example", "role": "viewer", "password": "attacker chosen pw"})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"password":"unknown field"`) {
			t.Fatalf("member with an admin-chosen password: %d %s", res.Status, res.Body)
		}
		// Without one, the address is invited; no account exists yet, so
		// nobody can sign in as it.
		res = e.Do("POST", "/api/v1/organizations/org-a/members", adminA, map[string]string{"email": "new.hire@b.example", "role": "viewer"})
		if res.Status != http.StatusAccepted {
			t.Fatalf("invite: %d %s", res.Status, res.Body)
		}
		if _, err := e.App.Auth.UserByEmail(context.Background(), "new.hire@b.example"); err == nil {
			t.Fatal("an invitation created an account")
		}
		if _, err := e.App.Auth.Authenticate(context.Background(), "new.hire@b.example", "attacker chosen pw"); err == nil {
			t.Fatal("signed in as an invited address")
		}

		// B invites the same address; the person accepts B's invitation
		// from their mailbox and chooses their own password.
		if res := e.Do("POST", "/api/v1/organizations/org-b/members", adminB, map[string]string{"email": "new.hire@b.example", "role": "privacy_officer"}); res.Status != http.StatusAccepted {
			t.Fatalf("invite from b: %d %s", res.Status, res.Body)
		}
		links := invitationLinks(t, e, "new.hire@b.example")
		if len(links) != 2 {
			t.Fatalf("%d invitation e-mails, want 2", len(links))
		}
		page := getPage(t, e, "", links[1])
		mustContain(t, page.Body, "Join Org org-b", "new.hire@b.example", "privacy officer", "Choose a password")
		done := postBrowserForm(t, e, links[1], "", "pre", url.Values{"csrf_token": {"pre"}, "name": {"New Hire"},
			"password": {"my own passphrase"}, "password_again": {"my own passphrase"}})
		if done.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", done.Status, done.Body)
		}
		u, err := e.App.Auth.Authenticate(context.Background(), "new.hire@b.example", "my own passphrase")
		if err != nil {
			t.Fatalf("the person's own password does not sign in: %v", err)
		}
		p, _ := e.App.Auth.Principal(context.Background(), u, "test", 0)
		if _, inA := p.Memberships[a.ID]; inA || p.Memberships[b.ID] != auth.RolePrivacyOfficer {
			t.Fatalf("memberships after accepting b's invitation: %v", p.Memberships)
		}
		// A's link now needs the person signed in; holding it is not enough.
		again := postBrowserForm(t, e, links[0], "", "pre", url.Values{"csrf_token": {"pre"}, "password": {"attacker chosen pw"}, "password_again": {"attacker chosen pw"}})
		if again.Status != http.StatusForbidden || !strings.Contains(again.Body, "Sign in as new.hire@b.example") {
			t.Fatalf("accepting for an existing account without signing in: %d", again.Status)
		}
		if _, err := e.App.Auth.Authenticate(context.Background(), "new.hire@b.example", "attacker chosen pw"); err == nil {
			t.Fatal("the attacker's password was set on the account")
		}
		// B's link was single-use.
		if used := getPage(t, e, "", links[1]); used.Status != http.StatusNotFound || !strings.Contains(used.Body, "not valid") {
			t.Fatalf("a used link: %d", used.Status)
		}
	})
}

// TestInvitingRevealsNothingAboutOtherOrganizations: inviting an address
// with an account elsewhere answers exactly as inviting a new address.
func TestInvitingRevealsNothingAboutOtherOrganizations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	a, b := e.Org("org-a"), e.Org("org-b")
	adminA := e.User("admin@a.example", a, auth.RoleAdmin)
	e.User("someone@b.example", b, auth.RoleViewer)
	shape := func(email string) (int, []string) {
		res := e.Do("POST", "/api/v1/organizations/org-a/members", adminA, map[string]string{"email": email, "role": "legal"})
		var body map[string]map[string]any
		res.JSON(t, &body)
		var keys []string
		for k := range body["invitation"] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return res.Status, append(keys, strings.Join(mapKeys(body), ","))
	}
	s1, k1 := shape("someone@b.example")
	s2, k2 := shape("nobody@c.example")
	if s1 != s2 || strings.Join(k1, " ") != strings.Join(k2, " ") {
		t.Fatalf("existing account: %d %v; new address: %d %v", s1, k1, s2, k2)
	}
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestExistingAccountAcceptsWhenSignedIn: a person with an account signs in
// as the invited address and accepts; signed in as someone else, they
// cannot.
func TestExistingAccountAcceptsWhenSignedIn(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	a, b := e.Org("org-a"), e.Org("org-b")
	adminA := e.User("admin@a.example", a, auth.RoleAdmin)
	e.User("someone@b.example", b, auth.RoleViewer)
	e.User("other@b.example", b, auth.RoleViewer)
	e.Do("POST", "/api/v1/organizations/org-a/members", adminA, map[string]string{"email": "someone@b.example", "role": "legal"})
	link := invitationLinks(t, e, "someone@b.example")[0]

	other := signedIn(t, e, "other@b.example")
	res := postBrowserForm(t, e, link, other.cookie, "", url.Values{"csrf_token": {other.csrf}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("accepted while signed in as another user: %d", res.Status)
	}
	me := signedIn(t, e, "someone@b.example")
	mustContain(t, getPage(t, e, me.cookie, link).Body, "Accept and join Org org-a")
	if res := postBrowserForm(t, e, link, me.cookie, "", url.Values{"csrf_token": {"wrong"}}); res.Status != http.StatusForbidden {
		t.Fatalf("accepted without the form's token: %d", res.Status)
	}
	if res := postBrowserForm(t, e, link, me.cookie, "", url.Values{"csrf_token": {me.csrf}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	u, _ := e.App.Auth.UserByEmail(context.Background(), "someone@b.example")
	p, _ := e.App.Auth.Principal(context.Background(), u, "test", 0)
	if p.Memberships[a.ID] != auth.RoleLegal || p.Memberships[b.ID] != auth.RoleViewer {
		t.Fatalf("memberships: %v", p.Memberships)
	}
}

// TestInvitationsExpireAndCanBeWithdrawn: an expired or withdrawn link is
// not valid; resending replaces the link; invitations are audited.
func TestInvitationsExpireAndCanBeWithdrawn(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	a := e.Org("org-a")
	adminA := e.User("admin@a.example", a, auth.RoleAdmin)
	viewer := e.User("viewer@a.example", a, auth.RoleViewer)
	var inv struct{ Invitation auth.Invitation }
	e.Do("POST", "/api/v1/organizations/org-a/members", adminA, map[string]string{"email": "x@c.example", "role": "viewer"}).JSON(t, &inv)
	if e.Do("GET", "/api/v1/organizations/org-a/invitations", viewer, nil).Status != http.StatusForbidden {
		t.Fatal("a viewer listed invitations")
	}
	var list struct{ Invitations []auth.Invitation }
	e.Do("GET", "/api/v1/organizations/org-a/invitations", adminA, nil).JSON(t, &list)
	if len(list.Invitations) != 1 || list.Invitations[0].SentAt == nil || list.Invitations[0].Email != "x@c.example" {
		t.Fatalf("invitations: %+v", list.Invitations)
	}
	first := invitationLinks(t, e, "x@c.example")[0]
	if res := e.Do("POST", fmt.Sprintf("/api/v1/organizations/org-a/invitations/%d/resend", inv.Invitation.ID), adminA, nil); res.Status != http.StatusAccepted {
		t.Fatalf("resend: %d %s", res.Status, res.Body)
	}
	if getPage(t, e, "", first).Status != http.StatusNotFound {
		t.Fatal("the replaced link still works")
	}
	second := invitationLinks(t, e, "x@c.example")[1]
	if getPage(t, e, "", second).Status != http.StatusOK {
		t.Fatal("the new link does not work")
	}
	e.App.DB.Gorm.Exec("UPDATE invitations SET expires_at = ? WHERE accepted_at IS NULL AND revoked_at IS NULL", time.Now().Add(-time.Minute).UTC())
	if getPage(t, e, "", second).Status != http.StatusNotFound {
		t.Fatal("an expired link works")
	}
	var n int64
	e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action IN ('invitation.create', 'invitation.resend')").Scan(&n)
	if n != 2 {
		t.Fatalf("%d invitation entries audited, want 2", n)
	}
}

// TestPasswordChangeEndsOtherSessionsAndTheirTokens: whoever signed in
// with the old password loses their session and the tokens they made.
func TestPasswordChangeEndsOtherSessionsAndTheirTokens(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := e.Org("org-a")
		e.User("po@a.example", a, auth.RolePrivacyOfficer)
		mine, theirs := signedIn(t, e, "po@a.example"), signedIn(t, e, "po@a.example")
		// A token made in the other session (as an attacker would).
		tokenFromSession := func(s pageSession) string {
			req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/tokens", strings.NewReader(`{"name":"made in a session"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", s.csrf)
			req.AddCookie(&http.Cookie{Name: "breachline_session", Value: s.cookie})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out struct{ Token string }
			apptest.Response{Status: res.StatusCode, Body: must(io.ReadAll(res.Body))}.JSON(t, &out)
			return out.Token
		}
		attackerToken, myToken := tokenFromSession(theirs), tokenFromSession(mine)
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/me/password", strings.NewReader(`{"current_password":"correct horse battery","new_password":"a brand new passphrase"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", mine.csrf)
		req.AddCookie(&http.Cookie{Name: "breachline_session", Value: mine.cookie})
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("change password: %v %v", err, res.Status)
		}
		res.Body.Close()
		if getPage(t, e, theirs.cookie, "/breaches").Status != http.StatusSeeOther {
			t.Error("the other session still works")
		}
		if getPage(t, e, mine.cookie, "/breaches").Status != http.StatusOK {
			t.Error("the session that changed the password was ended")
		}
		if e.Do("GET", "/api/v1/me", attackerToken, nil).Status != http.StatusUnauthorized {
			t.Error("a token made in the other session still works")
		}
		if e.Do("GET", "/api/v1/me", myToken, nil).Status != http.StatusOK {
			t.Error("a token made in this session was revoked")
		}
		// The operator's reset ends everything.
		u, _ := e.App.Auth.UserByEmail(context.Background(), "po@a.example")
		if err := e.App.Auth.ResetPassword(context.Background(), e.App.DB.Gorm, u.ID, "operator reset phrase"); err != nil {
			t.Fatal(err)
		}
		if getPage(t, e, mine.cookie, "/breaches").Status != http.StatusSeeOther || e.Do("GET", "/api/v1/me", myToken, nil).Status != http.StatusUnauthorized {
			t.Error("a reset left a session or token working")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
