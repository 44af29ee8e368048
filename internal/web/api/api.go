// Package api is Breachline's JSON API under /api/v1, a file per resource.
// Each file declares the interface it needs of the service behind it; app
// wires the services. Every route is authenticated (a bearer token, or a
// browser session with its CSRF token on changes), checks the caller's
// role in the record's organization through the service, and answers
// errors in the one JSON shape of web.Fail.
package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"

	"github.com/breachline/breachline/internal/web"
)

// Deps are the services the API calls; every one is required.
type Deps struct {
	Auth        AuthService
	Breaches    BreachService
	Obligations ObligationService
	Documents   DocumentService
	Roster      RosterService
	Feed        FeedService
	Notices     NoticeService
	// Audit shows the audit trail.
	Audit AuditService
	// Uploads receives roster files.
	Uploads web.RosterUploads
}

type handlers struct{ d Deps }

// Register adds every API route to the server's authenticated group, and
// the calendar feed (whose secret URL is its credential) to the engine.
func Register(s *web.Server, d Deps) {
	if d.Auth == nil || d.Breaches == nil || d.Obligations == nil || d.Documents == nil || d.Roster == nil || d.Feed == nil || d.Notices == nil || d.Audit == nil {
		panic("api.Register: every service is required")
	}
	h := &handlers{d: d}
	for _, routes := range []func(*gin.RouterGroup){
		h.accountRoutes, h.breachRoutes, h.obligationRoutes, h.documentRoutes, h.rosterRoutes, h.calendarRoutes, h.noticeRoutes, h.auditRoutes,
	} {
		routes(s.API)
	}
	// A bounce token (a relay's webhook) may call this route and no other.
	s.Handle(http.MethodPost, "/bounces", auth.ScopeBounce, h.receiveBounce)
	h.feedRoutes(s.Engine)
}

// errNotFound is a malformed path segment: the record does not exist.
var errNotFound = fmt.Errorf("path: %w", errs.ErrNotFound)

func trimSuffix(s, suffix string) string { return strings.TrimSuffix(s, suffix) }
