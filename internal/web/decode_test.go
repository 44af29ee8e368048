package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
)

type inner struct {
	Role string `json:"role"`
}

type sample struct {
	inner
	Name    string            `json:"name"`
	When    *time.Time        `json:"when"`
	Tags    []inner           `json:"tags"`
	Labels  map[string]inner  `json:"labels"`
	Free    map[string]any    `json:"free"`
	Skipped string            `json:"-"`
	Extra   map[string]string `json:"extra,omitempty"`
}

// TestDecodeIsStrict: unknown fields, fields in another case, repeated
// keys (at any depth), trailing data and oversized bodies are refused;
// a well-formed body decodes.
func TestDecodeIsStrict(t *testing.T) {
	decode := func(body string, limit int64) error {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest("POST", "/", strings.NewReader(body))
		c.Request.Body = http.MaxBytesReader(rec, c.Request.Body, limit)
		var s sample
		return Decode(c, &s)
	}
	ok := `{"name":"a","role":"viewer","when":"2025-01-02T03:04:05Z","tags":[{"role":"x"}],"labels":{"k":{"role":"y"}},"free":{"Any":1,"any":2}}`
	if err := decode(ok, 1<<20); err != nil {
		t.Fatalf("well-formed body: %v", err)
	}
	refused := map[string]string{
		`{"name":"a","password":"x"}`:                  "password",
		`{"Name":"a"}`:                                 "Name",
		`{"ROLE":"admin"}`:                             "ROLE",
		`{"role":"viewer","role":"admin"}`:             "role",
		`{"tags":[{"role":"a","role":"b"}]}`:           "tags[].role",
		`{"labels":{"k":{"Role":"a"}}}`:                "labels.k.Role",
		`{"free":{"a":1,"a":2}}`:                       "free.a",
		`{"Skipped":"x"}`:                              "Skipped",
		`{"name":"a"} {"name":"b"}`:                    "",
		`{"name":"a"`:                                  "",
		`[]`:                                           "",
		`{"name":"` + strings.Repeat("x", 2000) + `"}`: "",
	}
	for body, field := range refused {
		err := decode(body, 1024)
		var inv *errs.Invalid
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
		case !errors.As(err, &inv):
			t.Errorf("%.60s: accepted (%v)", body, err)
		case field != "" && inv.Fields[field] == "":
			t.Errorf("%.60s: %v, want the field %s named", body, inv, field)
		}
	}
}
