package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
)

// apiError is the one JSON shape of every error response.
type apiError struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// retryAfter is how long a client should wait, in seconds, when the
// database is unavailable.
const retryAfter = "5"

// errTooLarge marks a body over the configured limit.
var errTooLarge = errors.New("request body too large")

// errMethod is a method the route does not answer.
var errMethod = errors.New("method not allowed")

// Problem is an error as a client may see it: a status, a stable code, a
// message that is safe to show and, for invalid input, the fields at fault.
type Problem struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

// Classify maps a domain error to the problem a client sees. Anything
// unrecognised is internal and its text is never shown.
func Classify(err error) Problem {
	var inv *errs.Invalid
	var conflict *errs.Conflict
	var tooBig *http.MaxBytesError
	var limit *errs.Limit
	switch {
	case db.Unavailable(err):
		return Problem{http.StatusServiceUnavailable, "unavailable", "the service cannot reach its database; try again shortly", nil}
	case errors.As(err, &limit):
		return Problem{http.StatusUnprocessableEntity, "limit", limit.Message, nil}
	case errors.As(err, &inv):
		return Problem{http.StatusBadRequest, "invalid", inv.Message, inv.Fields}
	case errors.As(err, &tooBig), errors.Is(err, errTooLarge):
		return Problem{http.StatusRequestEntityTooLarge, "too_large", "the request body is larger than allowed", nil}
	case errors.Is(err, errs.ErrUnauthorized):
		return Problem{http.StatusUnauthorized, "unauthorized", "sign in or send a valid API token", nil}
	case errors.Is(err, errs.ErrNotFound):
		return Problem{http.StatusNotFound, "not_found", "not found", nil}
	case errors.Is(err, errs.ErrForbidden):
		return Problem{http.StatusForbidden, "forbidden", "your role does not allow this", nil}
	case errors.Is(err, errMethod):
		return Problem{http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed", nil}
	case errors.As(err, &conflict):
		return Problem{http.StatusConflict, "conflict", conflict.Message, nil}
	case errors.Is(err, errs.ErrConflict):
		return Problem{http.StatusConflict, "conflict", "the request conflicts with the current state", nil}
	}
	return Problem{http.StatusInternalServerError, "internal", "internal error; quote the request id when reporting it", nil}
}

// Fail writes err as the API's JSON error shape; internal errors are
// logged with their full text, which the client never sees.
func Fail(c *gin.Context, err error) {
	p := Classify(err)
	LogFailure(c, p.Status, err)
	if p.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	c.AbortWithStatusJSON(p.Status, gin.H{"error": apiError{Code: p.Code, Message: p.Message, Fields: p.Fields, RequestID: RequestID(c)}})
}

// LogFailure logs a refused or failed request: an internal error as an
// error with its text, anything else at debug level.
func LogFailure(c *gin.Context, status int, err error) {
	if status >= http.StatusInternalServerError {
		Logger(c).Error("request failed", slog.String("error", err.Error()))
		return
	}
	Logger(c).Debug("request refused", slog.Int("status", status), slog.String("error", err.Error()))
}
