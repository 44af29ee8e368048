// Package locales embeds the message catalogues of the browser pages and
// e-mails, one YAML file per language (en.yaml, fr.yaml). internal/i18n
// reads them; README.md says how to add a message.
package locales

import "embed"

// FS holds the catalogue files.
//
//go:embed *.yaml
var FS embed.FS
