package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
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
	if field, ok := nulField(raw); ok {
		return &errs.Invalid{Message: "text may not contain NUL characters", Fields: map[string]string{field: "contains a NUL character (\\u0000)"}}
	}
	if err := checkKeys(raw, reflect.TypeOf(dst), jsonLimitsOf(c)); err != nil {
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

// jsonLimitsKey holds the request's jsonLimits in the gin context.
const jsonLimitsKey = "breachline.jsonLimits"

// jsonLimitsOf is the JSON limits the server set on the request (none for
// a handler run outside the server).
func jsonLimitsOf(c *gin.Context) jsonLimits {
	if v, ok := c.Get(jsonLimitsKey); ok {
		return v.(jsonLimits)
	}
	return jsonLimits{}
}

// nulField finds the first JSON string (a value or a key) holding a NUL
// character, which no stored text may hold (PostgreSQL refuses it), and
// names it by its path ("events.2.note"). Bodies without an escaped NUL,
// nearly all, are not decoded twice.
func nulField(raw []byte) (string, bool) {
	if !bytes.Contains(bytes.ToLower(raw), []byte(`\u0000`)) {
		return "", false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false // the decoder reports the syntax error
	}
	return findNUL(v, "")
}

func findNUL(v any, path string) (string, bool) {
	name := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			return cmp.Or(path, "body"), true
		}
	case []any:
		for i, e := range x {
			if p, ok := findNUL(e, name(strconv.Itoa(i))); ok {
				return p, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.ContainsRune(k, 0) {
				return cmp.Or(path, "body"), true
			}
			if p, ok := findNUL(x[k], name(k)); ok {
				return p, true
			}
		}
	}
	return "", false
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
