// Package web is Breachline's HTTP layer: the gin router, middleware, the JSON
// API under /api/v1, the HTML pages and the one mapping of domain errors to
// HTTP. Domain packages never import gin; this package only calls them.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// AuthService is what the web layer needs from auth.
type AuthService interface {
	PrincipalFromToken(ctx context.Context, token string) (*auth.Principal, error)
	PrincipalFromSession(ctx context.Context, cookie string) (*auth.Principal, string, error)
	Authenticate(ctx context.Context, email, password string) (auth.User, error)
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, string, error)
	DeleteSession(ctx context.Context, cookie string) error
	CreateToken(ctx context.Context, by *auth.Principal, requestID string, userID int64, name string, expires *time.Time) (string, auth.Token, error)
	Tokens(ctx context.Context, userID int64) ([]auth.Token, error)
	RevokeToken(ctx context.Context, by *auth.Principal, requestID string, userID, tokenID int64) error
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
	Organization(ctx context.Context, p *auth.Principal, ref string) (auth.Organization, error)
	CreateOrganization(ctx context.Context, p *auth.Principal, requestID string, in auth.OrgInput) (auth.Organization, error)
	UpdateOrganization(ctx context.Context, p *auth.Principal, requestID string, id int64, in auth.OrgInput) (auth.Organization, error)
	Members(ctx context.Context, orgID int64) ([]auth.MemberView, error)
	AddMember(ctx context.Context, p *auth.Principal, requestID string, orgID int64, in auth.MemberInput) (auth.MemberResult, error)
	Invitations(ctx context.Context, p *auth.Principal, orgID int64) ([]auth.Invitation, error)
	RevokeInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) error
	ResendInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) (auth.Invitation, error)
	Invitation(ctx context.Context, token string) (auth.InvitationView, error)
	AcceptInvitation(ctx context.Context, token string, by *auth.Principal, requestID string, in auth.AcceptInput) (auth.User, error)
	ChangePassword(ctx context.Context, p *auth.Principal, requestID, current, next string) (auth.PasswordChange, error)
	RemoveMember(ctx context.Context, p *auth.Principal, requestID string, orgID, userID int64) error
}

// BreachService is what the web layer needs from breach.
type BreachService interface {
	Create(ctx context.Context, c breach.Call, orgID int64, in breach.Input) (breach.Breach, error)
	List(ctx context.Context, p *auth.Principal, f breach.ListFilter) ([]breach.Breach, int64, error)
	Get(ctx context.Context, p *auth.Principal, id int64) (breach.Breach, error)
	Update(ctx context.Context, c breach.Call, id int64, in breach.Input) (breach.Breach, error)
	AddEvent(ctx context.Context, c breach.Call, id int64, in breach.EventInput) (breach.Event, error)
	DeleteEvent(ctx context.Context, c breach.Call, id, eventID int64) error
	SetAnswer(ctx context.Context, c breach.Call, id int64, question string, in breach.AnswerInput) (breach.Answer, error)
	Categories(ctx context.Context) ([]breach.Category, error)
}

// Readiness reports whether the database answers and migrations are current.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Deps are the services the router calls.
type Deps struct {
	Auth     AuthService
	Breaches BreachService
	Ready    Readiness
	// Obligations, Roster and Documents feed the breach and deadlines
	// pages; a page section whose service is nil is left out.
	Obligations ObligationReader
	Roster      RosterCounter
	Documents   DocumentLister
	// RosterImports shows imports on the breach page and the import page;
	// RosterUploads, with it, adds the page's upload form.
	RosterImports RosterImports
	RosterUploads RosterUploads
	// RosterReview adds the page where flagged duplicates are reviewed.
	RosterReview RosterReview
	Logger       *slog.Logger
	BodyLimit    int64
	// UploadLimit caps multipart uploads (roster files).
	UploadLimit int64
	SessionTTL  time.Duration
	// SecureCookies marks cookies Secure (when the base URL is https).
	SecureCookies bool
	// Version is printed by /healthz.
	Version string
	// Extra registers further routes on the authenticated /api/v1 group.
	Extra []func(api *gin.RouterGroup, s *Server)
	// Public registers routes on the engine root, outside authentication
	// (e.g. a calendar feed whose secret URL is the credential).
	Public []func(r *gin.Engine, s *Server)
}

// Server is the HTTP application.
type Server struct {
	deps    Deps
	pages   *pages
	openapi []byte
	// Engine is the gin router; tests and the composition root serve it.
	Engine *gin.Engine
}

// New builds the router with every route.
func New(deps Deps) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	doc, err := OpenAPIDocument()
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	spec, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	s := &Server{deps: deps, pages: pg, openapi: spec, Engine: gin.New()}
	s.Engine.HandleMethodNotAllowed = true
	s.Engine.Use(withRequestID(deps.Logger), recoverJSON, accessLog, securityHeaders)
	s.Engine.NoRoute(func(c *gin.Context) { fail(c, errs.ErrNotFound) })
	s.Engine.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, gin.H{"error": apiError{Code: "method_not_allowed", Message: "method not allowed", RequestID: requestID(c)}})
	})
	s.routes()
	return s, nil
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.Engine }

func (s *Server) routes() {
	r := s.Engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/api/openapi.yaml", s.serveOpenAPI)
	s.pageRoutes()
	api := r.Group("/api/v1", limitBodies(s.deps.BodyLimit, max(s.deps.UploadLimit, s.deps.BodyLimit)), s.authenticate)
	s.apiRoutes(api)
	for _, extra := range s.deps.Extra {
		extra(api, s)
	}
	for _, public := range s.deps.Public {
		public(r, s)
	}
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.deps.Version})
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := s.deps.Ready.Ready(ctx); err != nil {
		logger(c).Warn("not ready", slog.String("error", err.Error()))
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// Decode reads a JSON body strictly: unknown fields, trailing data and
// oversized bodies are errors that name the problem.
func Decode(c *gin.Context, dst any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &errs.Invalid{Message: "the body must hold exactly one JSON value"}
	}
	return nil
}

func decodeError(err error) error {
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.Is(err, io.EOF):
		return &errs.Invalid{Message: "the request body is empty; send a JSON object"}
	case errors.As(err, &syntax):
		return &errs.Invalid{Message: fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)}
	case errors.As(err, &typ):
		field := jsonPath(typ.Field)
		return &errs.Invalid{Message: "wrong type", Fields: map[string]string{field: "want " + typ.Type.String()}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &errs.Invalid{Message: "unknown field", Fields: map[string]string{name: "unknown field"}}
	}
	return &errs.Invalid{Message: "malformed JSON"}
}

// jsonPath drops the Go names of embedded structs from a decoder's field
// path ("Input.title" -> "title"), leaving the JSON names a client sent.
func jsonPath(p string) string {
	var kept []string
	for _, seg := range strings.Split(p, ".") {
		if seg != "" && !(seg[0] >= 'A' && seg[0] <= 'Z') {
			kept = append(kept, seg)
		}
	}
	if len(kept) == 0 {
		return "body"
	}
	return strings.Join(kept, ".")
}

// Call builds a breach.Call for the current request.
func Call(c *gin.Context) breach.Call {
	return breach.Call{P: principal(c), RequestID: requestID(c)}
}

// Principal is the authenticated caller of the request.
func Principal(c *gin.Context) *auth.Principal { return principal(c) }

// RequestID is the id of the current request.
func RequestID(c *gin.Context) string { return requestID(c) }

// Fail writes err in the API's error shape.
func Fail(c *gin.Context, err error) { fail(c, err) }

// ParamID parses a numeric path parameter; a malformed id is a 404.
func ParamID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), errs.ErrNotFound)
	}
	return id, nil
}

func csrfMatches(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
