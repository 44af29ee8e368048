package app_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
)

type createdToken struct {
	Token   string
	Details auth.Token
}

func issue(t *testing.T, e *apptest.Env, by string, body map[string]any, want int) createdToken {
	t.Helper()
	res := e.Do("POST", "/api/v1/tokens", by, body)
	if res.Status != want {
		t.Fatalf("create token %v: %d %s, want %d", body, res.Status, res.Body, want)
	}
	var out createdToken
	if want == http.StatusCreated {
		res.JSON(t, &out)
	}
	return out
}

// TestTokenScopes: a read token only reads; a bounce token calls nothing
// but the routes that declare the bounce scope; a write token calls
// everything its user's role allows.
func TestTokenScopes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		read := issue(t, e, a.po, map[string]any{"name": "reports", "scope": "read"}, http.StatusCreated).Token
		bounce := issue(t, e, a.po, map[string]any{"name": "bounces", "scope": "bounce"}, http.StatusCreated).Token
		write := issue(t, e, a.po, map[string]any{"name": "sync", "scope": "write"}, http.StatusCreated).Token
		for _, r := range apiRoutes(e) {
			method, route := splitRoute(r)
			p := concretePath(route, a)
			need := e.Server.RouteScope(method, route)
			readWants := method == "GET" && need == auth.ScopeRead
			if got := e.Do(method, p, read, bodyOf(r)).Status; (got == http.StatusForbidden && scopeRefusal(t, e, method, p, read, r)) == readWants {
				t.Errorf("read token %s %s: %d", method, p, got)
			}
			if got := e.Do(method, p, bounce, bodyOf(r)).Status; need != auth.ScopeBounce && !(got == http.StatusForbidden && scopeRefusal(t, e, method, p, bounce, r)) {
				t.Errorf("bounce token %s %s: %d, want the scope refusal", method, p, got)
			}
		}
		if res := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", a.breach), write, map[string]any{"title": "Renamed"}); res.Status != http.StatusOK {
			t.Fatalf("write token: %d %s", res.Status, res.Body)
		}
		if res := e.Do("PATCH", fmt.Sprintf("/api/v1/breaches/%d", a.breach), read, map[string]any{"title": "Again"}); !strings.Contains(string(res.Body), "scope") {
			t.Fatalf("read token refusal: %s", res.Body)
		}
	})
}

// scopeRefusal reports whether a 403 is the scope's (not the role's).
func scopeRefusal(t *testing.T, e *apptest.Env, method, path, token, route string) bool {
	t.Helper()
	return strings.Contains(string(e.Do(method, path, token, bodyOf(route)).Body), "token's scope")
}

// TestTokenNeverOutlivesItsParent is the regression test of a token
// expiring in 60 s that created one that never expired: a token made with
// a token gets at most its parent's expiry and scope, and is revoked with
// it; a token made in a session lasts at most the longest setting.
func TestTokenNeverOutlivesItsParent(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		soon := time.Now().UTC().Add(60 * time.Second).Truncate(time.Second)
		parent := issue(t, e, a.po, map[string]any{"name": "short", "expires_at": soon}, http.StatusCreated)
		child := issue(t, e, parent.Token, map[string]any{"name": "child"}, http.StatusCreated)
		if child.Details.ExpiresAt == nil || child.Details.ExpiresAt.After(soon) || child.Details.ParentID == nil || *child.Details.ParentID != parent.Details.ID {
			t.Fatalf("child of a 60 s token: %+v", child.Details)
		}
		issue(t, e, parent.Token, map[string]any{"name": "longer", "expires_at": soon.Add(time.Hour)}, http.StatusBadRequest)
		reader := issue(t, e, parent.Token, map[string]any{"name": "reader", "scope": "read"}, http.StatusCreated)
		issue(t, e, reader.Token, map[string]any{"name": "from a reader", "scope": "read"}, http.StatusForbidden)
		// A grandchild goes too when the parent is revoked.
		grandchild := issue(t, e, child.Token, map[string]any{"name": "grandchild"}, http.StatusCreated)
		if s := e.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", parent.Details.ID), a.po, nil).Status; s != http.StatusNoContent {
			t.Fatalf("revoke: %d", s)
		}
		for _, tok := range []string{parent.Token, child.Token, grandchild.Token, reader.Token} {
			if s := e.Do("GET", "/api/v1/me", tok, nil).Status; s != http.StatusUnauthorized {
				t.Errorf("a token of a revoked parent: %d", s)
			}
		}
		// From a session: at most the longest setting, which is also the default.
		b := newBrowser(t, e)
		b.signIn("po@acme.example", "correct horse battery")
		session := pageSession{cookie: b.cookies["breachline_session"]}
		_, session.csrf = b.get("/account")
		post := func(body string) apptest.Response {
			return sessionJSON(t, e, session, "POST", "/api/v1/tokens", body)
		}
		var made createdToken
		res := post(`{"name":"from a session"}`)
		res.JSON(t, &made)
		limit := time.Now().Add(e.App.Cfg.TokenMaxTTL)
		if res.Status != http.StatusCreated || made.Details.ExpiresAt == nil || made.Details.ExpiresAt.After(limit) || made.Details.ExpiresAt.Before(limit.Add(-time.Minute)) {
			t.Fatalf("session token without an expiry: %d %+v", res.Status, made.Details)
		}
		if res := post(fmt.Sprintf(`{"name":"forever","expires_at":%q}`, time.Now().Add(e.App.Cfg.TokenMaxTTL+time.Hour).UTC().Format(time.RFC3339))); res.Status != http.StatusBadRequest {
			t.Fatalf("session token past the longest: %d", res.Status)
		}
	})
}

// TestTokenLastUseWrittenOnceAMinute: reading with a token records its last
// use, at most once a minute.
func TestTokenLastUseWrittenOnceAMinute(t *testing.T) {
	e := apptest.New(t, "sqlite")
	clock := withClock(e)
	tok := e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	lastUse := func() time.Time {
		var list struct{ Tokens []auth.Token }
		e.Do("GET", "/api/v1/tokens", tok, nil).JSON(t, &list)
		if len(list.Tokens) != 1 || list.Tokens[0].LastUsedAt == nil {
			t.Fatalf("tokens: %+v", list.Tokens)
		}
		return *list.Tokens[0].LastUsedAt
	}
	first := lastUse()
	clock.Add(30 * time.Second)
	if got := lastUse(); !got.Equal(first) {
		t.Fatalf("last use written again after 30 s: %v, %v", first, got)
	}
	clock.Add(31 * time.Second)
	if got := lastUse(); !got.After(first) {
		t.Fatalf("last use not written after a minute: %v", got)
	}
}

// sessionJSON calls the API with a browser session and its CSRF header.
func sessionJSON(t *testing.T, e *apptest.Env, s pageSession, method, path, body string) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.HTTP.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	req.AddCookie(&http.Cookie{Name: "breachline_session", Value: s.cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return apptest.Response{Status: res.StatusCode, Body: must(io.ReadAll(res.Body)), Header: res.Header}
}
