// Package locales embeds the message catalogues of the browser pages and
// e-mails. Each language has a main file (en.yaml, fr.yaml) and may have
// one file per area of the product (notices.en.yaml, notices.fr.yaml): a
// key lives in exactly one file of each language. internal/i18n reads
// them; README.md says how to add a message.
package locales

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// FS holds the catalogue files.
//
//go:embed *.yaml
var FS embed.FS

// Files lists the catalogue files of a language: its main file first,
// then the area files in name order.
func Files(lang string) []string {
	names, _ := fs.Glob(FS, "*.yaml")
	out := []string{lang + ".yaml"}
	var areas []string
	for _, n := range names {
		if strings.HasSuffix(n, "."+lang+".yaml") {
			areas = append(areas, n)
		}
	}
	sort.Strings(areas)
	return append(out, areas...)
}
