// Package errs defines the domain errors that the business packages return
// and that the web layer maps to HTTP in one place.
package errs

import (
	"errors"
	"sort"
	"strings"
	"time"
)

// Sentinel domain errors. Wrap them with %w to add context for logs; clients
// only ever see the mapped code and a fixed message.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	ErrConflict     = errors.New("conflict")
)

// Invalid reports input that failed validation, per field.
type Invalid struct {
	Message string
	Fields  map[string]string
}

func (e *Invalid) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Fields collects per-field problems while validating.
type Fields map[string]string

// Add records a problem with field unless one is already recorded.
func (f Fields) Add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// Err returns an *Invalid when any problem was recorded, else nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Invalid{Message: "the request has invalid fields", Fields: f}
}

// Conflict is a state conflict with a message that is safe to show.
type Conflict struct{ Message string }

func (e *Conflict) Error() string { return e.Message }

// Is lets errors.Is(err, ErrConflict) match a *Conflict.
func (e *Conflict) Is(target error) bool { return target == ErrConflict }

// Limit reports a request that would go past one of the service's limits
// (pages in a document, time to render it, cells in a file). The message
// names the limit and is safe to show; the setting that raises it, if any,
// is in Setting.
type Limit struct {
	Message string
	Setting string
}

func (e *Limit) Error() string { return e.Message }

// TooMany refuses a request until RetryAfter has passed (sign-in
// throttling); the message is safe to show.
type TooMany struct {
	Message    string
	RetryAfter time.Duration
}

func (e *TooMany) Error() string { return e.Message }
