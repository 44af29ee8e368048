package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

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

// retryAfter is how long a client should wait when the database is
// unavailable.
const retryAfter = 5 * time.Second

// errMethod is a method the route does not answer.
var errMethod = errors.New("method not allowed")

// Problem is an error as a client may see it: a status, a stable code, a
// message that is safe to show and, for invalid input, the fields at fault.
type Problem struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter, when set, is sent as the Retry-After header (429, 503).
	RetryAfter time.Duration
}

// Classify maps a domain error to the problem a client sees. Anything
// unrecognised is internal and its text is never shown.
func Classify(err error) Problem {
	var inv *errs.Invalid
	var conflict *errs.Conflict
	var tooBig *http.MaxBytesError
	var limit *errs.Limit
	var tooMany *errs.TooMany
	switch {
	case db.Unavailable(err):
		return Problem{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "the service cannot reach its database; try again shortly", RetryAfter: retryAfter}
	case errors.As(err, &tooMany):
		return Problem{Status: http.StatusTooManyRequests, Code: "too_many_requests", Message: tooMany.Message, RetryAfter: tooMany.RetryAfter}
	case errors.As(err, &limit):
		return Problem{Status: http.StatusUnprocessableEntity, Code: "limit", Message: limit.Message}
	case errors.As(err, &inv):
		return Problem{Status: http.StatusBadRequest, Code: "invalid", Message: inv.Message, Fields: inv.Fields}
	case errors.As(err, &tooBig):
		return Problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes; the limit is BREACHLINE_BODY_LIMIT (BREACHLINE_UPLOAD_LIMIT for a roster upload)", tooBig.Limit)}
	case errors.Is(err, errs.ErrUnauthorized):
		return Problem{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "sign in or send a valid API token"}
	case errors.Is(err, errs.ErrNotFound):
		return Problem{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	case errors.Is(err, errScope):
		return Problem{Status: http.StatusForbidden, Code: "forbidden", Message: "the token's scope does not allow this"}
	case errors.Is(err, errs.ErrForbidden):
		return Problem{Status: http.StatusForbidden, Code: "forbidden", Message: "your role does not allow this"}
	case errors.Is(err, errMethod):
		return Problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed"}
	case errors.As(err, &conflict):
		return Problem{Status: http.StatusConflict, Code: "conflict", Message: conflict.Message}
	case errors.Is(err, errs.ErrConflict):
		return Problem{Status: http.StatusConflict, Code: "conflict", Message: "the request conflicts with the current state"}
	}
	return Problem{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; quote the request id when reporting it"}
}

// Fail writes err as the API's JSON error shape; internal errors are
// logged with their full text, which the client never sees.
func Fail(c *gin.Context, err error) {
	p := Classify(err)
	LogFailure(c, p.Status, err)
	SetRetryAfter(c, p)
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

// SetRetryAfter sends a throttled answer's Retry-After header (seconds).
func SetRetryAfter(c *gin.Context, p Problem) {
	if p.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int((p.RetryAfter+time.Second-1)/time.Second)))
	}
}
