package rules

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// textKeys are the catalogue fields whose values are words for people
// (names, labels, notes, standards, questions); every other field is an
// id, a citation, a date or a condition and stays as written.
var textKeys = map[string]bool{
	"label": true, "note": true, "notes": true, "effective_note": true, "status_note": true,
	"name": true, "standard": true, "text": true, "basis": true, "how_to_file": true,
	"help": true, "say": true, "say_not": true,
}

// translator replaces the catalogue's English texts by those of another
// language while the catalogue files are read. Its dictionary comes from
// the language's directory (config/regulations/fr): one file per catalogue
// file, each a map from the English text, exactly as written, to its
// translation. Loading fails on a text without a translation and on a
// translation of a text the catalogue no longer has, so the two never
// drift apart unnoticed.
type translator struct {
	lang     string
	texts    map[string]string
	options  map[string]string
	used     map[string]bool
	missing  []string
	calendar map[string]string
}

// dictionaryFile is one file of a language's dictionary.
type dictionaryFile struct {
	Texts   map[string]string `yaml:"texts"`
	Options map[string]string `yaml:"options"`
}

// calendarDictionary holds the translated names of business-day calendars.
const calendarDictionary = "calendars.yaml"

// LoadDefaultLang loads the embedded catalogue with its texts in lang
// ("en" or "fr").
func LoadDefaultLang(lang string) (*Catalogue, error) {
	if lang == "" || lang == "en" {
		return LoadDefault()
	}
	sub, err := fs.Sub(defaultFS(), "regulations")
	if err != nil {
		return nil, fmt.Errorf("rules: embedded catalogue: %w", err)
	}
	return LoadLang(sub, lang)
}

// LoadLang loads the catalogue of fsys with its texts translated into
// lang by the dictionary in the directory of that name.
func LoadLang(fsys fs.FS, lang string) (*Catalogue, error) {
	if lang == "" || lang == "en" {
		return Load(fsys)
	}
	tr, err := readDictionary(fsys, lang)
	if err != nil {
		return nil, err
	}
	cat, err := load(fsys, tr)
	if err != nil {
		return nil, err
	}
	if err := tr.check(); err != nil {
		return nil, err
	}
	cat.lang = lang
	cat.Vocabulary.say = phrasesFor(lang)
	cat.Vocabulary.OptionLabels = tr.options
	cat.Vocabulary.CalendarNames = tr.calendar
	return cat, nil
}

func readDictionary(fsys fs.FS, lang string) (*translator, error) {
	names, err := fs.Glob(fsys, lang+"/*.yaml")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("rules: no %s texts for the catalogue (%s/*.yaml)", lang, lang)
	}
	tr := &translator{lang: lang, texts: map[string]string{}, options: map[string]string{},
		used: map[string]bool{}, calendar: map[string]string{}}
	for _, name := range names {
		var df dictionaryFile
		if err := decodeStrict(fsys, name, &df); err != nil {
			return nil, err
		}
		into := tr.texts
		if path.Base(name) == calendarDictionary {
			into = tr.calendar
		}
		if err := mergeDictionary(into, df.Texts, name); err != nil {
			return nil, err
		}
		if err := mergeDictionary(tr.options, df.Options, name); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// mergeDictionary adds a file's entries, refusing an empty translation and a text
// translated two different ways.
func mergeDictionary(into, from map[string]string, file string) error {
	for en, tx := range from {
		if strings.TrimSpace(tx) == "" {
			return fmt.Errorf("rules: %s: no translation for %q", file, en)
		}
		if old, ok := into[en]; ok && old != tx {
			return fmt.Errorf("rules: %s: %q is translated two ways: %q and %q", file, en, old, tx)
		}
		into[en] = tx
	}
	return nil
}

// apply translates the text fields of a decoded file in place. Aliases are
// skipped: the node they point to is translated where it is defined.
func (tr *translator) apply(n *yaml.Node, file string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			tr.apply(c, file)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			switch {
			case key == "region_names" && val.Kind == yaml.MappingNode:
				for j := 1; j < len(val.Content); j += 2 {
					tr.text(val.Content[j], file)
				}
			case textKeys[key] && val.Kind == yaml.ScalarNode && val.Tag == "!!str":
				tr.text(val, file)
			default:
				tr.apply(val, file)
			}
		}
	}
}

func (tr *translator) text(n *yaml.Node, file string) {
	if n.Value == "" {
		return
	}
	t, ok := tr.texts[n.Value]
	if !ok {
		tr.missing = append(tr.missing, fmt.Sprintf("%s line %d: %q", file, n.Line, n.Value))
		return
	}
	tr.used[n.Value] = true
	n.Value, n.Style = t, yaml.DoubleQuotedStyle
}

// check reports every catalogue text without a translation and every
// translation of a text the catalogue does not have.
func (tr *translator) check() error {
	var unused []string
	for en := range tr.texts {
		if !tr.used[en] {
			unused = append(unused, fmt.Sprintf("%q", en))
		}
	}
	sort.Strings(unused)
	var b strings.Builder
	if len(tr.missing) > 0 {
		fmt.Fprintf(&b, "rules: %d catalogue texts have no %s translation in %s/:\n  %s\n", len(tr.missing), tr.lang, tr.lang, strings.Join(tr.missing, "\n  "))
	}
	if len(unused) > 0 {
		fmt.Fprintf(&b, "rules: %d %s translations match no catalogue text (changed or removed in English?):\n  %s\n", len(unused), tr.lang, strings.Join(unused, "\n  "))
	}
	if b.Len() > 0 {
		return fmt.Errorf("%s", strings.TrimSpace(b.String()))
	}
	return nil
}

// HasLanguage reports whether the catalogue has its texts in lang.
func HasLanguage(lang string) bool {
	return lang == "en" || lang == "fr"
}
