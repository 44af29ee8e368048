package app_test

import (
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/db"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// TestOpenAPICoversEveryRoute fails when a registered route is missing from
// the served OpenAPI document, so the document cannot drift from the router.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
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
	routes := e.Server.Engine.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		if r.Method == "HEAD" {
			continue
		}
		path := ginParam.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document (as %s)", r.Method, r.Path, path)
		}
	}
}
