package web

import (
	"crypto/rand"
	"encoding/hex"
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

const (
	keyRequestID = "request_id"
	keyLogger    = "logger"
	keyPrincipal = "principal"
	keyCSRF      = "csrf"
)

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestID gives every request an id (a caller's well-formed
// X-Request-ID is kept) and a logger that carries it.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !requestIDRe.MatchString(id) {
			id = newID()
		}
		c.Set(keyRequestID, id)
		c.Set(keyLogger, base.With(slog.String("request_id", id)))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog logs one line per request; it never logs query strings, which may
// carry calendar tokens.
func accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	logger(c).Info("http",
		slog.String("method", c.Request.Method),
		slog.String("path", c.FullPath()),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("took", time.Since(start)),
		slog.Int("bytes", c.Writer.Size()))
}

// recoverJSON turns a panic into the internal-error shape with a request id.
func recoverJSON(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// securityHeaders sets a strict CSP (no inline script, no third parties) and
// the usual hardening headers on every response.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Next()
}

// limitBody caps the request body; reading past it fails with 413.
func limitBody(n int64) gin.HandlerFunc { return limitBodies(n, n) }

// limitBodies caps JSON and form bodies at n and multipart uploads (roster
// files, streamed to disk by their handler) at upload.
func limitBodies(n, upload int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := n
		if strings.HasPrefix(c.ContentType(), "multipart/form-data") {
			n = upload
		}
		if c.Request.ContentLength > n {
			fail(c, errTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

const sessionCookie = "breachline_session"

// authenticate accepts a bearer token or a session cookie; a session also
// needs the CSRF token on every request that changes state.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			fail(c, errs.ErrUnauthorized)
			return
		}
		p, err := s.deps.Auth.PrincipalFromToken(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			fail(c, errs.ErrUnauthorized)
			return
		}
		c.Set(keyPrincipal, p)
		c.Next()
		return
	}
	p, csrf, ok := s.sessionPrincipal(c)
	if !ok {
		fail(c, errs.ErrUnauthorized)
		return
	}
	if !safeMethod(c.Request.Method) && !csrfMatches(c.GetHeader("X-CSRF-Token"), csrf) {
		fail(c, fmt.Errorf("csrf token missing or wrong: %w", errs.ErrForbidden))
		return
	}
	c.Set(keyPrincipal, p)
	c.Set(keyCSRF, csrf)
	c.Next()
}

func (s *Server) sessionPrincipal(c *gin.Context) (*auth.Principal, string, bool) {
	cookie, err := c.Cookie(sessionCookie)
	if err != nil || cookie == "" {
		return nil, "", false
	}
	p, csrf, err := s.deps.Auth.PrincipalFromSession(c.Request.Context(), cookie)
	if err != nil {
		return nil, "", false
	}
	return p, csrf, true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func principal(c *gin.Context) *auth.Principal {
	return c.MustGet(keyPrincipal).(*auth.Principal)
}
