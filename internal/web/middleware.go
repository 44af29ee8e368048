package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID gives every request an id (a caller's well-formed
// X-Request-ID is kept) and a logger that carries it.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !requestIDRe.MatchString(id) {
			id = NewID()
		}
		c.Set(keyRequestID, id)
		c.Set(keyLogger, base.With(slog.String("request_id", id)))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// accessLog logs one line per request; it logs the route pattern, never the
// path or query string, which may carry calendar tokens.
func accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	Logger(c).Info("http",
		slog.String("method", c.Request.Method),
		slog.String("path", c.FullPath()),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("took", time.Since(start)),
		slog.Int("bytes", c.Writer.Size()))
}

// recover turns a panic into the internal-error answer (a page or JSON)
// with a request id.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// ContentSecurityPolicy is sent with every response: no inline script or
// style, nothing from another origin, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// securityHeaders sets a strict CSP (no inline script, no third parties) and
// the usual hardening headers on every response, and HSTS when the site is
// served over https.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if s.opts.SecureCookies {
		h.Set("Strict-Transport-Security", "max-age=63072000")
	}
	c.Next()
}

// LimitBody caps the request body; reading past it fails with 413.
func LimitBody(n int64) gin.HandlerFunc { return LimitBodies(n, n) }

// LimitBodies caps JSON and form bodies at n and multipart uploads (roster
// files, streamed by their handler) at upload.
func LimitBodies(n, upload int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := n
		if strings.HasPrefix(c.ContentType(), "multipart/form-data") {
			n = upload
		}
		if c.Request.ContentLength > n {
			Fail(c, errTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// SessionCookie names the browser session's cookie.
const SessionCookie = "breachline_session"

// authenticate accepts a bearer token (whose scope must cover the route)
// or a session cookie; a session also needs the CSRF token on every request
// that changes state. API answers are never cached.
func (s *Server) authenticate(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			Fail(c, errs.ErrUnauthorized)
			return
		}
		p, err := s.opts.Sessions.PrincipalFromToken(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			Fail(c, errs.ErrUnauthorized)
			return
		}
		if !scopeAllows(p, s.RouteScope(c.Request.Method, c.FullPath()), c.Request.Method) {
			Fail(c, errScope)
			return
		}
		SetPrincipal(c, p, "")
		c.Next()
		return
	}
	p, csrf, ok := s.SessionPrincipal(c)
	if !ok {
		Fail(c, errs.ErrUnauthorized)
		return
	}
	if !safeMethod(c.Request.Method) && !CSRFMatches(c.GetHeader("X-CSRF-Token"), csrf) {
		Fail(c, fmt.Errorf("csrf token missing or wrong: %w", errs.ErrForbidden))
		return
	}
	SetPrincipal(c, p, csrf)
	c.Next()
}

// SessionPrincipal is the signed-in user of the browser's session cookie,
// with the session's form token; ok is false without a valid session.
func (s *Server) SessionPrincipal(c *gin.Context) (*auth.Principal, string, bool) {
	cookie, err := c.Cookie(SessionCookie)
	if err != nil || cookie == "" {
		return nil, "", false
	}
	p, csrf, err := s.opts.Sessions.PrincipalFromSession(c.Request.Context(), cookie)
	if err != nil {
		return nil, "", false
	}
	return p, csrf, true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
