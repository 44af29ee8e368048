package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
)

// apiError is the one JSON shape of every error response.
type apiError struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// errTooLarge marks a body over the configured limit.
var errTooLarge = errors.New("request body too large")

// classify maps a domain error to a status, a stable code and a message that is
// safe to show. Anything unrecognised is internal and its text is never shown.
func classify(err error) (int, apiError) {
	var inv *errs.Invalid
	var conflict *errs.Conflict
	var tooBig *http.MaxBytesError
	var limit *errs.Limit
	switch {
	case errors.As(err, &limit):
		return http.StatusUnprocessableEntity, apiError{Code: "limit", Message: limit.Message}
	case errors.As(err, &inv):
		return http.StatusBadRequest, apiError{Code: "invalid", Message: inv.Message, Fields: inv.Fields}
	case errors.As(err, &tooBig), errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, apiError{Code: "too_large", Message: "the request body is larger than allowed"}
	case errors.Is(err, errs.ErrUnauthorized):
		return http.StatusUnauthorized, apiError{Code: "unauthorized", Message: "sign in or send a valid API token"}
	case errors.Is(err, errs.ErrNotFound):
		return http.StatusNotFound, apiError{Code: "not_found", Message: "not found"}
	case errors.Is(err, errs.ErrForbidden):
		return http.StatusForbidden, apiError{Code: "forbidden", Message: "your role does not allow this"}
	case errors.As(err, &conflict):
		return http.StatusConflict, apiError{Code: "conflict", Message: conflict.Message}
	case errors.Is(err, errs.ErrConflict):
		return http.StatusConflict, apiError{Code: "conflict", Message: "the request conflicts with the current state"}
	}
	return http.StatusInternalServerError, apiError{Code: "internal", Message: "internal error; quote the request id when reporting it"}
}

// fail writes err as the JSON error shape and logs internal errors with
// their full text, which the client never sees.
func fail(c *gin.Context, err error) {
	status, body := classify(err)
	body.RequestID = requestID(c)
	if status >= 500 {
		logger(c).Error("request failed", slog.String("error", err.Error()))
	} else {
		logger(c).Debug("request refused", slog.Int("status", status), slog.String("error", err.Error()))
	}
	c.AbortWithStatusJSON(status, gin.H{"error": body})
}
