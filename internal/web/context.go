package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
)

const (
	keyRequestID = "request_id"
	keyLogger    = "logger"
	keyPrincipal = "principal"
	keyCSRF      = "csrf"
)

// NewID returns a random hexadecimal id (request ids, form tokens).
func NewID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// RequestID is the id of the current request.
func RequestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// Logger is the request's logger, which carries its id.
func Logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// Principal is the authenticated caller of the request.
func Principal(c *gin.Context) *auth.Principal {
	return c.MustGet(keyPrincipal).(*auth.Principal)
}

// CSRF is the signed-in session's form token ("" for a token caller).
func CSRF(c *gin.Context) string { return c.GetString(keyCSRF) }

// SetPrincipal records the authenticated caller and their session's form
// token for the rest of the request.
func SetPrincipal(c *gin.Context, p *auth.Principal, csrf string) {
	c.Set(keyPrincipal, p)
	c.Set(keyCSRF, csrf)
}

// Call builds a breach.Call for the current request.
func Call(c *gin.Context) breach.Call {
	return breach.Call{P: Principal(c), RequestID: RequestID(c)}
}

// CSRFMatches compares a form or header token with the session's, in
// constant time; an empty token never matches.
func CSRFMatches(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
