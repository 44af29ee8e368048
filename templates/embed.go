// Package templates embeds the HTML pages, static assets and notice and
// letter templates.
package templates

import "embed"

// FS holds every file below templates/.
//
//go:embed *
var FS embed.FS
