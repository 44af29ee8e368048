// Package web is Breachline's HTTP core: the gin engine, middleware, the one
// mapping of domain errors to HTTP and the helpers every handler shares.
// The handlers live beside it: web/api (the JSON API, a file per resource),
// web/ui (the officers' and legal's pages, a file per page) and web/public
// (pages for affected people). Domain packages never import gin or web.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// Sessions authenticates API tokens and browser sessions (auth.Service).
type Sessions interface {
	PrincipalFromToken(ctx context.Context, token string) (*auth.Principal, error)
	PrincipalFromSession(ctx context.Context, cookie string) (*auth.Principal, string, error)
}

// Readiness reports whether the database answers and migrations are current.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Options configure the server; every field but Version is required.
type Options struct {
	Sessions Sessions
	Ready    Readiness
	Logger   *slog.Logger
	// BodyLimit caps JSON and form bodies, UploadLimit multipart uploads.
	BodyLimit   int64
	UploadLimit int64
	// SecureCookies marks cookies Secure and sends HSTS (when the base URL
	// is https).
	SecureCookies bool
	// TrustedProxies are the addresses (or CIDR ranges) of reverse proxies
	// whose X-Forwarded-For names the client; none by default, so that no
	// client can choose the address its sign-ins are throttled by.
	TrustedProxies []string
	// Version is printed by /healthz.
	Version string
	// ReadWriteWait bounds how long a GET or HEAD request waits for the
	// embedded database's one writer to record something on the side (the
	// time a session was last seen, the audit record of a read of personal
	// data) while a long transaction (an import) holds it: past it, the
	// side write is skipped, or the request answered 503 when its record
	// must be kept. Zero: no bound.
	ReadWriteWait time.Duration
	// QueryMaxBytes bounds one query parameter, QueryMaxParams the
	// parameters of a request; JSONMaxDepth how deep a JSON body nests and
	// JSONMaxItems the items of one of its arrays. Zero: no bound.
	QueryMaxBytes, QueryMaxParams int
	JSONMaxDepth, JSONMaxItems    int
}

// Server is the HTTP application: the engine, the authenticated API group
// the api package registers on, and the page error renderer the ui package
// installs so that a page never answers JSON.
type Server struct {
	opts    Options
	openapi []byte
	// Engine is the gin router; pages and public routes register on it.
	Engine *gin.Engine
	// API is the authenticated /api/v1 group.
	API *gin.RouterGroup
	// PageError shows an error as an HTML page; nil until the pages are
	// registered (errors then answer JSON).
	PageError func(c *gin.Context, err error)
	// scopes are the token scopes API routes declared with Handle.
	scopes map[string]auth.Scope
}

// New builds the engine with its middleware, the health and OpenAPI routes
// and the authenticated API group.
func New(o Options) (*Server, error) {
	if o.Sessions == nil || o.Ready == nil || o.Logger == nil {
		return nil, fmt.Errorf("web: sessions, readiness and logger are required")
	}
	gin.SetMode(gin.ReleaseMode)
	spec, err := OpenAPIYAML()
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	s := &Server{opts: o, openapi: spec, Engine: gin.New(), scopes: map[string]auth.Scope{}}
	if err := s.Engine.SetTrustedProxies(o.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	s.Engine.HandleMethodNotAllowed = true
	s.Engine.Use(withRequestID(o.Logger), s.recover, accessLog, s.securityHeaders, s.rejectNUL, s.limitQuery, s.boundReadWrites)
	s.Engine.NoRoute(func(c *gin.Context) { s.fail(c, errs.ErrNotFound) })
	s.Engine.NoMethod(func(c *gin.Context) {
		if s.isPage(c) {
			s.PageError(c, errMethod)
			return
		}
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, gin.H{"error": apiError{Code: "method_not_allowed", Message: "method not allowed", RequestID: RequestID(c)}})
	})
	s.Engine.GET("/healthz", s.healthz)
	s.Engine.GET("/readyz", s.readyz)
	s.Engine.GET("/api/openapi.yaml", s.serveOpenAPI)
	s.API = s.Engine.Group("/api/v1", LimitBodies(o.BodyLimit, max(o.UploadLimit, o.BodyLimit)), s.authenticate)
	return s, nil
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.Engine }

// UploadLimit is the largest multipart upload accepted, in bytes.
func (s *Server) UploadLimit() int64 { return s.opts.UploadLimit }

// isPage reports whether a request is for a page (not the API), once the
// pages are registered.
func (s *Server) isPage(c *gin.Context) bool {
	p := c.Request.URL.Path
	return s.PageError != nil && !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz"
}

// fail answers an error as a page or as the API's JSON shape, by path.
func (s *Server) fail(c *gin.Context, err error) {
	if s.isPage(c) {
		s.PageError(c, err)
		return
	}
	Fail(c, err)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.opts.Version})
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.opts.Ready.Ready(ctx); err != nil {
		Logger(c).Warn("not ready", slog.String("error", err.Error()))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) serveOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", s.openapi)
}

// SecureCookies reports whether cookies are marked Secure (https).
func (s *Server) SecureCookies() bool { return s.opts.SecureCookies }

// SetCookie sets an HttpOnly, SameSite=Lax cookie on the whole site (Secure
// when the site is served over https); maxAge < 0 deletes it.
func (s *Server) SetCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, // #nosec G124 -- HttpOnly and SameSite=Lax always; Secure whenever the site is served over https (a plain-http site on loopback cannot keep a Secure cookie)
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}
