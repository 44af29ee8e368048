package app

import "github.com/breachline/breachline/internal/web"

// OpenAPI is the API description that /api/openapi.yaml serves, for tools
// that read it without a running server (the linter, client generators).
func OpenAPI() ([]byte, error) { return web.OpenAPIYAML() }
