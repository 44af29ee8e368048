package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
)

// Decode reads a JSON body strictly: unknown fields (and fields named in
// another case), repeated keys, trailing data and oversized bodies are
// errors that name the problem.
func Decode(c *gin.Context, dst any) error {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeError(err)
	}
	if err := checkKeys(raw, reflect.TypeOf(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
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
		// encoding/json reports an unknown field only in its message.
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

// ParamID parses a numeric path parameter; a malformed id is a 404.
func ParamID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), errs.ErrNotFound)
	}
	return id, nil
}
