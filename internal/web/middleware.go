package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
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
	// Middleware that is not the server's answers its errors the same way.
	c.Set(keyFail, s.fail)
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
			failByPath(c, &http.MaxBytesError{Limit: n})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// keyFail holds, in a request's context, the server's answer to an error:
// a page for a page's path, the API's JSON otherwise.
const keyFail = "web.fail"

// failByPath answers an error as the server does (a page or JSON, by path)
// when the request went through the server's middleware, else as JSON.
func failByPath(c *gin.Context, err error) {
	if f, ok := c.Get(keyFail); ok {
		if fail, ok := f.(func(*gin.Context, error)); ok {
			fail(c, err)
			return
		}
	}
	Fail(c, err)
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
			Fail(c, credentialError(err))
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
	p, csrf, err := s.Session(c)
	if err != nil {
		Fail(c, credentialError(err))
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
	p, csrf, err := s.Session(c)
	return p, csrf, err == nil
}

// Session is SessionPrincipal with its error: errs.ErrUnauthorized without
// a valid session, or the store's error when the session could not be
// looked up (the caller answers that with a 503, not a sign-in).
func (s *Server) Session(c *gin.Context) (*auth.Principal, string, error) {
	cookie, err := c.Cookie(SessionCookie)
	if err != nil || cookie == "" {
		return nil, "", errs.ErrUnauthorized
	}
	return s.opts.Sessions.PrincipalFromSession(c.Request.Context(), cookie)
}

// credentialError makes any refusal of credentials a plain 401 that says
// nothing of why, and keeps a store failure as it is: a 503 when the
// database is unavailable, never "sign in".
func credentialError(err error) error {
	if errors.Is(err, errs.ErrUnauthorized) {
		return errs.ErrUnauthorized
	}
	return err
}

// limitQuery keeps a request's query within its limits (each refusal
// names the parameter and the setting), refuses text that is not UTF-8
// (PostgreSQL cannot store or search it), and hands the JSON limits to
// Decode.
func (s *Server) limitQuery(c *gin.Context) {
	c.Set(jsonLimitsKey, jsonLimits{depth: s.opts.JSONMaxDepth, items: s.opts.JSONMaxItems})
	q := c.Request.URL.Query()
	n := 0
	for name, vals := range q {
		n += len(vals)
		for _, v := range vals {
			switch {
			case s.opts.QueryMaxBytes > 0 && (len(v) > s.opts.QueryMaxBytes || len(name) > s.opts.QueryMaxBytes):
				s.fail(c, &errs.Limit{Message: fmt.Sprintf("the query parameter %q is longer than %d bytes; the limit is BREACHLINE_QUERY_MAX_BYTES",
					shortName(name), s.opts.QueryMaxBytes), Setting: "BREACHLINE_QUERY_MAX_BYTES"})
				return
			case !utf8.ValidString(v) || !utf8.ValidString(name):
				s.fail(c, &errs.Invalid{Message: "text must be UTF-8", Fields: map[string]string{strings.ToValidUTF8(shortName(name), "?"): "not valid UTF-8"}})
				return
			}
		}
	}
	if s.opts.QueryMaxParams > 0 && n > s.opts.QueryMaxParams {
		s.fail(c, &errs.Limit{Message: fmt.Sprintf("the query has %d parameters, more than %d; the limit is BREACHLINE_QUERY_MAX_PARAMS",
			n, s.opts.QueryMaxParams), Setting: "BREACHLINE_QUERY_MAX_PARAMS"})
		return
	}
	c.Next()
}

// shortName is a parameter's name short enough to quote.
func shortName(name string) string {
	if len(name) > 40 {
		return name[:40] + "…"
	}
	return name
}

// boundReadWrites bounds the wait of a safe request's writes for the
// database's writer (db.WithWriteWait), so that a page that reads never
// queues behind an import.
func (s *Server) boundReadWrites(c *gin.Context) {
	if s.opts.ReadWriteWait > 0 && safeMethod(c.Request.Method) {
		c.Request = c.Request.WithContext(db.WithWriteWait(c.Request.Context(), s.opts.ReadWriteWait))
	}
	c.Next()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// rejectNUL refuses a request whose path or query holds a NUL character,
// naming the parameter: no stored text may hold one, and a search for one
// fails in PostgreSQL. JSON bodies are checked by Decode, form posts by
// RejectNULForm.
func (s *Server) rejectNUL(c *gin.Context) {
	if strings.ContainsRune(c.Request.URL.Path, 0) {
		s.fail(c, &errs.Invalid{Message: "the path may not contain NUL characters", Fields: map[string]string{"path": "contains a NUL character"}})
		return
	}
	if name, ok := nulValue(c.Request.URL.Query()); ok {
		s.fail(c, &errs.Invalid{Message: "text may not contain NUL characters", Fields: map[string]string{name: "contains a NUL character"}})
		return
	}
	c.Next()
}

// RejectNULForm refuses a form post with a NUL character, or text that is
// not UTF-8, in a field, naming the field; it goes after the body limit of
// the routes it guards.
func (s *Server) RejectNULForm(c *gin.Context) {
	if c.Request.Method == http.MethodPost && c.ContentType() == "application/x-www-form-urlencoded" {
		if err := c.Request.ParseForm(); err == nil {
			if name, ok := nulValue(c.Request.PostForm); ok {
				s.fail(c, &errs.Invalid{Message: "text may not contain NUL characters", Fields: map[string]string{name: "contains a NUL character"}})
				return
			}
			if name, ok := notUTF8(c.Request.PostForm); ok {
				s.fail(c, &errs.Invalid{Message: "text must be UTF-8", Fields: map[string]string{name: "not valid UTF-8"}})
				return
			}
		}
	}
	c.Next()
}

// notUTF8 names the first parameter whose name or value is not UTF-8.
func notUTF8(v url.Values) (string, bool) {
	for k, vals := range v {
		for _, val := range vals {
			if !utf8.ValidString(k) || !utf8.ValidString(val) {
				return strings.ToValidUTF8(shortName(k), "?"), true
			}
		}
	}
	return "", false
}

// nulValue names the first parameter whose name or value holds a NUL.
func nulValue(v url.Values) (string, bool) {
	for k, vals := range v {
		for _, val := range vals {
			if strings.ContainsRune(k, 0) || strings.ContainsRune(val, 0) {
				return strings.ReplaceAll(k, "\x00", ""), true
			}
		}
	}
	return "", false
}
