package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/locales"
)

// sameInFrench are the keys whose French is rightly the English word: the
// two languages share it.
var sameInFrench = map[string]bool{
	"breach.description": true, "breach.cause": true, "timeline.col_note": true, "review.note": true,
	"duties.title": true, "docs.title": true, "docs.col_document": true, "span.minutes": true,
	"account.tokens.col_action": true,
}

// messages reads a catalogue file as key -> text (plural forms joined).
func messages(t *testing.T, lang string) map[string]string {
	t.Helper()
	m := map[string]any{}
	where := map[string]string{}
	for _, name := range locales.Files(lang) {
		raw, err := fs.ReadFile(locales.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]any
		if err := yaml.Unmarshal(raw, &part); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range part {
			if other, dup := where[k]; dup {
				t.Errorf("%s is in both %s and %s", k, other, name)
			}
			m[k], where[k] = v, name
		}
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = v
		case map[string]any:
			forms := make([]string, 0, len(v))
			for form, text := range v {
				s, _ := text.(string)
				forms = append(forms, form+"="+s)
			}
			sort.Strings(forms)
			out[k] = strings.Join(forms, "|")
		default:
			t.Errorf("%s.yaml: %s is neither a message nor plural forms", lang, k)
		}
	}
	return out
}

var field = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func fields(s string) string {
	var out []string
	seen := map[string]bool{}
	for _, m := range field.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestEveryKeyInBothLanguages: the catalogues have the same keys, each
// French message names the same fields as its English one, and French
// differs from English except where the words are shared.
func TestEveryKeyInBothLanguages(t *testing.T) {
	en, fr := messages(t, "en"), messages(t, "fr")
	if len(en) < 100 {
		t.Fatalf("only %d English messages", len(en))
	}
	for k, e := range en {
		f, ok := fr[k]
		switch {
		case !ok:
			t.Errorf("%s is missing from fr.yaml", k)
		case fields(e) != fields(f):
			t.Errorf("%s: English fills {%s}, French {%s}", k, fields(e), fields(f))
		case e == f && !sameInFrench[k]:
			t.Errorf("%s: French is the English %q (translate it, or add the key to sameInFrench)", k, e)
		case e != f && sameInFrench[k]:
			t.Errorf("%s is in sameInFrench but differs; take it out", k)
		}
		if strings.HasPrefix(e, "one=") != strings.HasPrefix(f, "one=") {
			t.Errorf("%s: plural in one language only", k)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%s is missing from en.yaml", k)
		}
	}
	// The embedded catalogue loads and answers every key in both languages.
	for k := range en {
		for _, lang := range Languages {
			if !For(lang).Has(k) {
				t.Errorf("%s: %s not loaded", lang, k)
			}
		}
	}
}

// French typography: a no-break space before a colon and inside « », none
// plain.
func TestFrenchTypography(t *testing.T) {
	for k, v := range messages(t, "fr") {
		for _, bad := range []string{" :", "« ", " »", " %"} {
			if strings.Contains(v, bad) {
				t.Errorf("%s: %q has %q; use a no-break space", k, v, bad)
			}
		}
	}
}

// keyUse finds the keys the templates and the Go code name: {{t "key"}},
// {{tn "key" n}}, (t "key") in templates; .T("key" and .N("key" in Go.
var (
	templateKey = regexp.MustCompile(`[{(\s]tn?\s+"([a-z0-9_.]+)"`)
	goKey       = regexp.MustCompile(`\.(?:T|N)\(\s*"([a-z0-9_.]+)"\s*[,)]`)
)

// TestEveryUsedKeyExists scans the page templates and the Go sources for
// the keys they use and checks each is in the catalogue.
func TestEveryUsedKeyExists(t *testing.T) {
	en := messages(t, "en")
	used := map[string][]string{}
	scan := func(root string, re *regexp.Regexp, suffix string) {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, suffix) || strings.HasSuffix(path, "_test.go") {
				return err
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
				used[m[1]] = append(used[m[1]], path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	scan(filepath.Join("..", "..", "templates", "pages"), templateKey, ".html")
	scan(filepath.Join(".."), goKey, ".go")
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; is the scan broken?", len(used))
	}
	for k, where := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("%s is used in %s but is not in the catalogue", k, where[0])
		}
	}
}
