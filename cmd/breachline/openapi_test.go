package main

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestOpenAPICommandPrintsTheDocument checks that `breachline openapi`, which
// the linter in make lint reads, prints the whole document without a database.
func TestOpenAPICommandPrintsTheDocument(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "openapi")
	if code != 0 {
		t.Fatalf("openapi: %d %q", code, errOut)
	}
	var doc struct {
		OpenAPI string         `yaml:"openapi"`
		Paths   map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/breaches"] == nil || !strings.Contains(out, "operationId:") {
		t.Fatalf("not the API document: openapi %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
}
