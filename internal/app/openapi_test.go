package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/db"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// specOperations reads the served document's operations as "METHOD path".
func specOperations(t *testing.T, e *apptest.Env) map[string]bool {
	t.Helper()
	res := e.Do("GET", "/api/openapi.yaml", "", nil)
	if res.Status != 200 {
		t.Fatalf("openapi: %d", res.Status)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	ops := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "patch", "delete", "head":
				ops[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	return ops
}

// TestOpenAPIMatchesTheAPIRoutes fails when a route registered under /api is
// missing from the served document, or the document describes an /api
// operation that no route answers: the contract cannot drift from the router.
func TestOpenAPIMatchesTheAPIRoutes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	documented := specOperations(t, e)
	routes := e.Server.Engine.Routes()
	registered := map[string]bool{}
	for _, r := range routes {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		op := r.Method + " " + ginParam.ReplaceAllString(r.Path, "{$1}")
		registered[op] = true
		if !documented[op] {
			t.Errorf("route %s %s is not in the OpenAPI document (as %s)", r.Method, r.Path, op)
		}
	}
	if len(registered) < 80 {
		t.Fatalf("only %d API routes registered", len(registered))
	}
	for op := range documented {
		_, path, _ := strings.Cut(op, " ")
		if strings.HasPrefix(path, "/api/") && !registered[op] {
			t.Errorf("the OpenAPI document describes %s, which no route answers", op)
		}
	}
}

// TestOpenAPICommandServesTheSameDocument: what `breachline openapi` prints
// for the linter is what the server serves.
func TestOpenAPICommandServesTheSameDocument(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	res := e.Do("GET", "/api/openapi.yaml", "", nil)
	printed, err := app.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || !bytes.Equal(res.Body, printed) {
		t.Fatalf("served document (%d, %d bytes) differs from the printed one (%d bytes)", res.Status, len(res.Body), len(printed))
	}
}

// contract validates every request the server accepts, and every response
// it gives, against the served OpenAPI document, and records which
// documented operations the test exercised.
type contract struct {
	t   *testing.T
	mu  sync.Mutex
	v   validator.Validator
	doc *libopenapi.DocumentModel[v3.Document]
	// seen counts the answers per "METHOD path-template status".
	seen map[string]int
}

// watchContract puts the validation in front of the application: every call
// made through e (e.Do and the helpers) is checked from then on.
func watchContract(t *testing.T, e *apptest.Env) *contract {
	t.Helper()
	spec, err := app.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("document model: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			t.Errorf("document: %s", p.Error())
		}
		t.FailNow()
	}
	c := &contract{t: t, v: v, doc: model, seen: map[string]int{}}
	next := e.Server.Handler()
	// A server of its own in front of the application, which e's helpers
	// then call: the application's own test server is left as it is.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.serve(next, w, r)
	}))
	t.Cleanup(hs.Close)
	e.HTTP = hs
	return c
}

// serve runs the request, then checks it and its answer.
func (c *contract) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	if !strings.HasPrefix(r.URL.Path, "/api/") && !strings.HasPrefix(r.URL.Path, "/calendar/") && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" {
		return
	}
	c.check(r, body, rec)
}

func (c *contract) check(r *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	item, _, template := paths.FindPath(req, &c.doc.Model, nil)
	call := r.Method + " " + r.URL.Path
	if template == "" {
		c.t.Errorf("%s: no operation of the document matches", call)
		return
	}
	c.seen[r.Method+" "+template+" "+strconv.Itoa(rec.Code)]++
	res := rec.Result()
	res.Request = req
	var problems []string
	if rec.Code < 300 {
		// The server accepted the request: the document must accept it too.
		if ok, errs := c.v.ValidateHttpRequest(req); !ok {
			for _, e := range errs {
				problems = append(problems, "request: "+describeProblem(e.Error()))
			}
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	if undocumentedBody(item, r.Method, rec) {
		problems = append(problems, "response: a JSON body, but the document gives this answer no content")
	}
	if ok, errs := c.v.ValidateHttpResponse(req, res); !ok {
		for _, e := range errs {
			problems = append(problems, "response: "+describeProblem(e.Error()))
		}
	}
	for _, p := range problems {
		c.t.Errorf("%s → %d: %s\n  body: %.600s", call, rec.Code, p, rec.Body.String())
	}
}

// undocumentedBody reports a successful JSON answer whose documented
// response has no content: the validator has nothing to check it against.
func undocumentedBody(item *v3.PathItem, method string, rec *httptest.ResponseRecorder) bool {
	if item == nil || rec.Code >= 300 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		return false
	}
	op, ok := item.GetOperations().Get(strings.ToLower(method))
	if !ok || op.Responses == nil {
		return false
	}
	doc := op.Responses.FindResponseByCode(rec.Code)
	return doc != nil && (doc.Content == nil || doc.Content.Len() == 0)
}

// describeProblem keeps a validator message to one readable line.
func describeProblem(s string) string { return strings.Join(strings.Fields(s), " ") }

// exercised lists the operations answered with each status, sorted.
func (c *contract) exercised() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.seen))
	for k := range c.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
