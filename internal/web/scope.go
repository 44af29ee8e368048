package web

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// errScope: the caller's token has a scope that does not cover the route.
var errScope = fmt.Errorf("token scope: %w", errs.ErrForbidden)

// Handle adds an API route (its path relative to /api/v1) that declares
// the token scope it needs, e.g. the bounce reports:
//
//	s.Handle(http.MethodPost, "/bounces", auth.ScopeBounce, h.receiveBounce)
//
// Routes added directly on s.API need auth.ScopeRead when they read (GET)
// and auth.ScopeWrite otherwise. A write token may call every route, a
// read token only reading routes that need read, and a bounce token only
// routes that declare auth.ScopeBounce. Browser sessions are not limited by
// scope. Roles are checked as for every route.
func (s *Server) Handle(method, path string, need auth.Scope, handlers ...gin.HandlerFunc) {
	if !need.Valid() {
		panic("web.Handle: unknown scope " + string(need))
	}
	s.scopes[method+" "+strings.TrimRight(s.API.BasePath(), "/")+"/"+strings.TrimLeft(path, "/")] = need
	s.API.Handle(method, path, handlers...)
}

// RouteScope is the scope a route needs: declared with Handle, else read
// for reading methods and write for the others.
func (s *Server) RouteScope(method, fullPath string) auth.Scope {
	if need, ok := s.scopes[method+" "+fullPath]; ok {
		return need
	}
	if safeMethod(method) {
		return auth.ScopeRead
	}
	return auth.ScopeWrite
}

// scopeAllows reports whether the caller may call a route that needs
// scope need with method: a token by its scope (and a read token never
// with a method that changes state); sessions always.
func scopeAllows(p *auth.Principal, need auth.Scope, method string) bool {
	if p.Via != "token" {
		return true
	}
	if p.Scope == auth.ScopeRead && !safeMethod(method) {
		return false
	}
	return p.Scope.Covers(need)
}
