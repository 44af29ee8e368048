// Package configdata embeds the product's data files: the regulation
// catalogue, holiday calendars, data categories and the example settings.
package configdata

import "embed"

// FS holds every file below config/ (regulations/, calendars/,
// data-categories.yaml, breachline.example.yaml).
//
//go:embed *
var FS embed.FS
