package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	configdata "github.com/breachline/breachline/config"
)

// vocabularyFile is the catalogue file holding the vocabulary rather than
// rules.
const vocabularyFile = "vocabulary.yaml"

// familyFile is the shape of one rule file (one family of regimes).
type familyFile struct {
	Family string  `yaml:"family"`
	Rules  []*Rule `yaml:"rules"`
}

// LoadDefault loads the catalogue embedded in the binary
// (config/regulations).
func LoadDefault() (*Catalogue, error) {
	sub, err := fs.Sub(defaultFS(), "regulations")
	if err != nil {
		return nil, fmt.Errorf("rules: embedded catalogue: %w", err)
	}
	return Load(sub)
}

// Load reads vocabulary.yaml and every other *.yaml file at the root of
// fsys as rule families, then validates the whole catalogue. The error
// names the file, the rule id and the field at fault.
func Load(fsys fs.FS) (*Catalogue, error) {
	return load(fsys, nil)
}

// load reads the catalogue, its texts translated by tr when tr is not nil.
func load(fsys fs.FS, tr *translator) (*Catalogue, error) {
	cat := &Catalogue{byKey: map[string][]*Rule{}, lang: "en", tr: tr}
	defer func() { cat.tr = nil }()
	if err := cat.decodeFile(fsys, vocabularyFile, &cat.Vocabulary); err != nil {
		return nil, err
	}
	if err := cat.Vocabulary.checkQuestions(); err != nil {
		return nil, fmt.Errorf("rules: %s: %w", vocabularyFile, err)
	}
	if err := cat.loadProfiles(fsys); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("rules: list catalogue: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == vocabularyFile || name == profilesFile {
			continue
		}
		var ff familyFile
		if err := cat.decodeFile(fsys, name, &ff); err != nil {
			return nil, err
		}
		family := ff.Family
		if family == "" {
			family = strings.TrimSuffix(path.Base(name), ".yaml")
		}
		for _, r := range ff.Rules {
			r.Family = family
			cat.Rules = append(cat.Rules, r)
		}
	}
	if err := cat.validate(); err != nil {
		return nil, err
	}
	cat.index()
	return cat, nil
}

// defaultFS is the configuration embedded in the binary.
func defaultFS() fs.FS { return configdata.FS }

// decodeFile reads one catalogue file into into, its texts translated when
// the catalogue is loaded in another language than English.
func (c *Catalogue) decodeFile(fsys fs.FS, name string, into any) error {
	if c.tr == nil {
		return decodeStrict(fsys, name, into)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("rules: read %s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("rules: %s: %w", name, err)
	}
	c.tr.apply(&doc, name)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return fmt.Errorf("rules: %s: %w", name, err)
	}
	return decodeBytes(out, name, into)
}

// decodeStrict reads a YAML file, refusing fields into does not have.
func decodeStrict(fsys fs.FS, name string, into any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("rules: read %s: %w", name, err)
	}
	return decodeBytes(data, name, into)
}

func decodeBytes(data []byte, name string, into any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("rules: %s: %w", name, err)
	}
	return nil
}

// index groups versions by key, oldest first, keeping first-seen key order.
func (c *Catalogue) index() {
	for _, r := range c.Rules {
		k := r.Key()
		if _, seen := c.byKey[k]; !seen {
			c.keys = append(c.keys, k)
		}
		c.byKey[k] = append(c.byKey[k], r)
	}
	for _, vs := range c.byKey {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].from.Before(vs[j].from) })
	}
}

// CheckCalendars reports every calendar a rule names that reg does not
// know, naming the rule and the field. "@home" (the organization's own
// country calendar) is resolved at evaluation time and is not checked.
func (c *Catalogue) CheckCalendars(reg Calendars) error {
	var errs []error
	for _, r := range c.Rules {
		for _, ref := range r.calendarRefs() {
			if ref.id == "@home" {
				continue
			}
			if _, err := reg.Calendar(ref.id); err != nil {
				errs = append(errs, fmt.Errorf("rule %s (%s): %s: unknown calendar %q: %w", r.Key(), r.Version, ref.field, ref.id, err))
			}
		}
	}
	return errors.Join(errs...)
}

type calRef struct{ field, id string }

func (r *Rule) calendarRefs() []calRef {
	var out []calRef
	var walk func(field string, c *Clock)
	walk = func(field string, c *Clock) {
		if c == nil {
			return
		}
		if c.Calendar != "" {
			out = append(out, calRef{field + ".calendar", c.Calendar})
		}
		if c.RollForward != nil && c.RollForward.Calendar != "" {
			out = append(out, calRef{field + ".roll_forward.calendar", c.RollForward.Calendar})
		}
		for i := range c.Cases {
			walk(fmt.Sprintf("%s.cases[%d].clock", field, i), &c.Cases[i].Clock)
		}
		if c.EarliestOf != nil {
			for i := range c.EarliestOf.Clocks {
				walk(fmt.Sprintf("%s.earliest_of.clocks[%d]", field, i), &c.EarliestOf.Clocks[i])
			}
		}
	}
	walk("clock", &r.Clock)
	if r.Alternative != nil {
		walk("alternative.clock", r.Alternative.Clock)
	}
	return out
}

func parseCivil(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}
