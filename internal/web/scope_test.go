package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// fakeSessions knows one token per scope: "blt_<scope>".
type fakeSessions struct{}

func (fakeSessions) PrincipalFromToken(_ context.Context, token string) (*auth.Principal, error) {
	scope := auth.Scope(strings.TrimPrefix(token, "blt_"))
	if !scope.Valid() {
		return nil, errs.ErrUnauthorized
	}
	return &auth.Principal{Via: "token", Scope: scope}, nil
}

func (fakeSessions) PrincipalFromSession(context.Context, string) (*auth.Principal, string, error) {
	return nil, "", errs.ErrUnauthorized
}

type ready struct{}

func (ready) Ready(context.Context) error { return nil }

// TestRoutesDeclareTheirScope: a route declared with Handle needs its
// scope; the others need read (GET) or write; read tokens never change
// anything, bounce tokens reach only the bounce route.
func TestRoutesDeclareTheirScope(t *testing.T) {
	s, err := New(Options{Sessions: fakeSessions{}, Ready: ready{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BodyLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	s.Handle(http.MethodPost, "/bounces", auth.ScopeBounce, ok)
	s.Handle(http.MethodPost, "/lookups", auth.ScopeRead, ok)
	s.API.GET("/things", ok)
	s.API.POST("/things", ok)
	want := map[string]map[auth.Scope]int{
		"POST /api/v1/bounces": {auth.ScopeRead: 403, auth.ScopeWrite: 204, auth.ScopeBounce: 204},
		"POST /api/v1/lookups": {auth.ScopeRead: 403, auth.ScopeWrite: 204, auth.ScopeBounce: 403},
		"GET /api/v1/things":   {auth.ScopeRead: 204, auth.ScopeWrite: 204, auth.ScopeBounce: 403},
		"POST /api/v1/things":  {auth.ScopeRead: 403, auth.ScopeWrite: 204, auth.ScopeBounce: 403},
	}
	for route, byScope := range want {
		method, path, _ := strings.Cut(route, " ")
		for scope, status := range byScope {
			req := httptest.NewRequest(method, path, nil)
			req.Header.Set("Authorization", "Bearer blt_"+string(scope))
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != status {
				t.Errorf("%s with a %s token: %d, want %d", route, scope, rec.Code, status)
			}
		}
	}
	if got := s.RouteScope("POST", "/api/v1/bounces"); got != auth.ScopeBounce {
		t.Errorf("declared scope: %s", got)
	}
}

// TestSecurityHeaders: every answer carries the policy; HSTS only over
// https.
func TestSecurityHeaders(t *testing.T) {
	for _, https := range []bool{false, true} {
		s, err := New(Options{Sessions: fakeSessions{}, Ready: ready{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			BodyLimit: 1 << 20, SecureCookies: https})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		h := rec.Header()
		for name, want := range map[string]string{"Content-Security-Policy": ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if h.Get(name) != want {
				t.Errorf("%s: %q", name, h.Get(name))
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
			t.Errorf("CSP: %s", h.Get("Content-Security-Policy"))
		}
		if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != https {
			t.Errorf("https %v: HSTS %q", https, hsts)
		}
	}
}
