package notice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
)

// Parts are the four parts of a notice in one language.
type Parts struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	// Letter is the body of the postal letter, after the address block:
	// plain text in which a line starting with "# " is a heading.
	Letter string `json:"letter"`
}

// TemplateSet is a notice in every language it is written in: shipped with
// the product (read-only), or an organization's own copy.
type TemplateSet struct {
	// Key names the set: a shipped key ("general") or "org:<key>".
	Key     string            `json:"key"`
	Name    map[string]string `json:"name"`
	About   map[string]string `json:"about,omitempty"`
	Shipped bool              `json:"shipped"`
	// BasedOn is the set an organization's copy was made from.
	BasedOn string `json:"based_on,omitempty"`
	// Regimes are the rules to individuals the set is written for.
	Regimes []string         `json:"regimes,omitempty"`
	Parts   map[string]Parts `json:"parts"`
	// Versions count the edits of each language of an organization's copy.
	Versions map[string]int `json:"versions,omitempty"`
}

// Languages lists the languages the set is written in, sorted.
func (t TemplateSet) Languages() []string { return sortedKeys(t.Parts) }

// orgPrefix marks an organization's own template sets.
const orgPrefix = "org:"

// templateRow is a stored language of an organization's template set.
type templateRow struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	OrganizationID int64     `json:"organization_id"`
	SetKey         string    `json:"set_key"`
	Language       string    `json:"language"`
	Name           string    `json:"name"`
	BasedOn        string    `json:"based_on"`
	Subject        string    `json:"subject"`
	TextBody       string    `json:"text"`
	HTMLBody       string    `gorm:"column:html_body" json:"html"`
	LetterBody     string    `json:"letter"`
	Version        int       `json:"version"`
	UpdatedBy      *int64    `json:"updated_by,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// TableName is the template table.
func (templateRow) TableName() string { return "notice_templates" }

// shippedMeta is a shipped set's meta.yaml.
type shippedMeta struct {
	Name    map[string]string `yaml:"name"`
	About   map[string]string `yaml:"about"`
	Regimes []string          `yaml:"regimes"`
}

// LoadShipped reads the template sets shipped in fsys below dir: one
// directory per set with meta.yaml and, per language, <lang>.subject,
// <lang>.txt, <lang>.html and <lang>.letter. Every part must parse with
// the standard fields; the error names the file, line and column.
func LoadShipped(fsys fs.FS, dir string) (map[string]TemplateSet, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("notice templates: %w", err)
	}
	out := map[string]TemplateSet{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		set, err := loadShippedSet(fsys, path.Join(dir, e.Name()), e.Name())
		if err != nil {
			return nil, err
		}
		out[set.Key] = set
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("notice templates: none in %s", dir)
	}
	return out, nil
}

func loadShippedSet(fsys fs.FS, dir, key string) (TemplateSet, error) {
	raw, err := fs.ReadFile(fsys, path.Join(dir, "meta.yaml"))
	if err != nil {
		return TemplateSet{}, fmt.Errorf("notice template %s: %w", key, err)
	}
	var m shippedMeta
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return TemplateSet{}, fmt.Errorf("notice template %s/meta.yaml: %w", key, err)
	}
	set := TemplateSet{Key: key, Name: m.Name, About: m.About, Shipped: true, Regimes: m.Regimes, Parts: map[string]Parts{}}
	for _, lang := range Languages {
		p, ok, err := readParts(fsys, dir, lang)
		if err != nil {
			return TemplateSet{}, err
		}
		if ok {
			set.Parts[lang] = p
		}
	}
	if len(set.Parts) == 0 || set.Name["en"] == "" {
		return TemplateSet{}, fmt.Errorf("notice template %s: needs a name and at least one language", key)
	}
	return set, nil
}

// readParts reads one language of a shipped set; ok is false when the set
// has no such language. All four parts are then required.
func readParts(fsys fs.FS, dir, lang string) (Parts, bool, error) {
	var p Parts
	files := map[string]*string{".subject": &p.Subject, ".txt": &p.Text, ".html": &p.HTML, ".letter": &p.Letter}
	found := 0
	for ext, dst := range files {
		raw, err := fs.ReadFile(fsys, path.Join(dir, lang+ext))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return p, false, err
		}
		*dst = string(raw)
		found++
	}
	if found == 0 {
		return p, false, nil
	}
	if found != len(files) {
		return p, false, fmt.Errorf("notice template %s: language %s needs all of .subject, .txt, .html and .letter", dir, lang)
	}
	if _, err := compileParts(p, dir+"/"+lang, knownFields(nil)); err != nil {
		return p, false, err
	}
	return p, true, nil
}

// compiled is a language of a set, parsed for one campaign's fields.
type compiled struct {
	subject, text, html, letter *Parsed
}

// compileParts parses the four parts; known says which fields exist.
func compileParts(p Parts, where string, known func(string) bool) (*compiled, error) {
	var c compiled
	var err error
	for _, x := range []struct {
		name string
		src  string
		dst  **Parsed
	}{{"subject", p.Subject, &c.subject}, {"text", p.Text, &c.text}, {"html", p.HTML, &c.html}, {"letter", p.Letter, &c.letter}} {
		if *x.dst, err = Parse(where+" "+x.name, x.src, known); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// TemplateSets lists the shipped sets and the organization's own copies.
func (s *Service) TemplateSets(ctx context.Context, p *auth.Principal, orgID int64) ([]TemplateSet, error) {
	if err := p.Require(orgID, auth.Read); err != nil {
		return nil, err
	}
	var out []TemplateSet
	for _, k := range sortedKeys(s.shipped) {
		out = append(out, s.shipped[k])
	}
	own, err := s.orgSets(ctx, s.db.Gorm, orgID)
	if err != nil {
		return nil, err
	}
	return append(out, own...), nil
}

// orgSets loads an organization's template sets.
func (s *Service) orgSets(ctx context.Context, tx *gorm.DB, orgID int64) ([]TemplateSet, error) {
	var rows []templateRow
	if err := tx.WithContext(ctx).Where("organization_id = ?", orgID).Order("set_key, language").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("notice templates: %w", err)
	}
	byKey := map[string]*TemplateSet{}
	var keys []string
	for _, r := range rows {
		k := orgPrefix + r.SetKey
		set, ok := byKey[k]
		if !ok {
			set = &TemplateSet{Key: k, Name: map[string]string{}, BasedOn: r.BasedOn, Parts: map[string]Parts{}, Versions: map[string]int{}}
			if base, ok := s.shipped[r.BasedOn]; ok {
				set.Regimes = base.Regimes
			}
			byKey[k] = set
			keys = append(keys, k)
		}
		set.Name[r.Language] = r.Name
		set.Parts[r.Language] = Parts{Subject: r.Subject, Text: r.TextBody, HTML: r.HTMLBody, Letter: r.LetterBody}
		set.Versions[r.Language] = r.Version
	}
	out := make([]TemplateSet, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out, nil
}

// templateSet finds a set by key for an organization.
func (s *Service) templateSet(ctx context.Context, tx *gorm.DB, orgID int64, key string) (TemplateSet, error) {
	if set, ok := s.shipped[key]; ok {
		return set, nil
	}
	if strings.HasPrefix(key, orgPrefix) {
		own, err := s.orgSets(ctx, tx, orgID)
		if err != nil {
			return TemplateSet{}, err
		}
		for _, set := range own {
			if set.Key == key {
				return set, nil
			}
		}
	}
	return TemplateSet{}, fmt.Errorf("notice template %q: %w", key, errs.ErrNotFound)
}

// CopyInput names a copy of a template set.
type CopyInput struct {
	From string `json:"from"`
	Name string `json:"name"`
}

var setKeyRe = strings.NewReplacer(" ", "-", "_", "-")

// CopyTemplateSet makes an organization's editable copy of a set (shipped
// or its own), in every language the set has. Privacy officers and admins.
func (s *Service) CopyTemplateSet(ctx context.Context, c breach.Call, orgID int64, in CopyInput) (TemplateSet, error) {
	if err := c.P.Require(orgID, auth.Write); err != nil {
		return TemplateSet{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return TemplateSet{}, &errs.Invalid{Message: "name the copy", Fields: map[string]string{"name": "required, at most 200 characters"}}
	}
	var out TemplateSet
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		from, err := s.templateSet(ctx, tx, orgID, in.From)
		if err != nil {
			return &errs.Invalid{Message: "no such template", Fields: map[string]string{"from": "a template set key"}}
		}
		key, err := s.freeSetKey(ctx, tx, orgID, name)
		if err != nil {
			return err
		}
		based := from.Key
		if from.BasedOn != "" {
			based = from.BasedOn
		}
		now := s.now()
		for _, lang := range from.Languages() {
			p := from.Parts[lang]
			row := templateRow{OrganizationID: orgID, SetKey: key, Language: lang, Name: name, BasedOn: based,
				Subject: p.Subject, TextBody: p.Text, HTMLBody: p.HTML, LetterBody: p.Letter, Version: 1,
				UpdatedBy: userID(c.P), CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("copy notice template: %w", err)
			}
		}
		if err := auth.Audit(ctx, tx, c.P, c.RequestID, orgID, "notice_template.copy", "notice_template", orgPrefix+key,
			map[string]any{"from": from.Key, "name": name}); err != nil {
			return err
		}
		out, err = s.templateSet(ctx, tx, orgID, orgPrefix+key)
		return err
	})
	return out, err
}

// freeSetKey derives a key from the name that the organization does not use.
func (s *Service) freeSetKey(ctx context.Context, tx *gorm.DB, orgID int64, name string) (string, error) {
	base := strings.Trim(setKeyRe.Replace(strings.ToLower(auth.SlugFrom(name))), "-")
	if base == "" {
		base = "notice"
	}
	for i := 1; i < 1000; i++ {
		key := base
		if i > 1 {
			key = base + "-" + strconv.Itoa(i)
		}
		var n int64
		if err := tx.WithContext(ctx).Model(&templateRow{}).Where("organization_id = ? AND set_key = ?", orgID, key).Count(&n).Error; err != nil {
			return "", fmt.Errorf("notice templates: %w", err)
		}
		if n == 0 {
			return key, nil
		}
	}
	return "", &errs.Conflict{Message: "too many copies with this name"}
}

// UpdateTemplate replaces one language of an organization's own set. The
// parts must parse (a misplaced {{ or an unclosed section is refused,
// naming the part, line and column); every edit bumps the version, which
// voids the approval of any campaign that uses the set.
func (s *Service) UpdateTemplate(ctx context.Context, c breach.Call, orgID int64, key, lang string, p Parts) (TemplateSet, error) {
	if err := c.P.Require(orgID, auth.Write); err != nil {
		return TemplateSet{}, err
	}
	if !strings.HasPrefix(key, orgPrefix) {
		return TemplateSet{}, &errs.Conflict{Message: "the shipped templates cannot be edited; make a copy and edit the copy"}
	}
	if !knownLanguage(lang) {
		return TemplateSet{}, &errs.Invalid{Message: "unknown language", Fields: map[string]string{"language": "one of " + strings.Join(Languages, ", ")}}
	}
	if err := checkParts(p); err != nil {
		return TemplateSet{}, err
	}
	var out TemplateSet
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		set, err := s.templateSet(ctx, tx, orgID, key)
		if err != nil {
			return err
		}
		if err := s.saveLanguage(ctx, tx, c, orgID, set, lang, p); err != nil {
			return err
		}
		if err := s.voidApprovals(ctx, tx, c, orgID, key); err != nil {
			return err
		}
		out, err = s.templateSet(ctx, tx, orgID, key)
		return err
	})
	return out, err
}

// checkParts refuses parts that do not parse or are too long.
func checkParts(p Parts) error {
	f := errs.Fields{}
	for name, src := range map[string]string{"subject": p.Subject, "text": p.Text, "html": p.HTML, "letter": p.Letter} {
		if strings.TrimSpace(src) == "" {
			f.Add(name, "required")
			continue
		}
		if len(src) > 100_000 {
			f.Add(name, "at most 100,000 characters")
			continue
		}
		if _, err := Parse(name, src, func(string) bool { return true }); err != nil {
			f.Add(name, err.Error())
		}
	}
	if len(p.Subject) > 300 {
		f.Add("subject", "at most 300 characters")
	}
	return f.Err()
}

func (s *Service) saveLanguage(ctx context.Context, tx *gorm.DB, c breach.Call, orgID int64, set TemplateSet, lang string, p Parts) error {
	setKey := strings.TrimPrefix(set.Key, orgPrefix)
	name := set.Name[lang]
	if name == "" {
		name = set.Name[set.Languages()[0]]
	}
	now := s.now()
	res := tx.Model(&templateRow{}).Where("organization_id = ? AND set_key = ? AND language = ?", orgID, setKey, lang).
		Updates(map[string]any{"subject": p.Subject, "text_body": p.Text, "html_body": p.HTML, "letter_body": p.Letter,
			"version": gorm.Expr("version + 1"), "updated_by": userID(c.P), "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("save notice template: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		row := templateRow{OrganizationID: orgID, SetKey: setKey, Language: lang, Name: name, BasedOn: set.BasedOn,
			Subject: p.Subject, TextBody: p.Text, HTMLBody: p.HTML, LetterBody: p.Letter, Version: 1,
			UpdatedBy: userID(c.P), CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("save notice template: %w", err)
		}
	}
	return auth.Audit(ctx, tx, c.P, c.RequestID, orgID, "notice_template.update", "notice_template", set.Key,
		map[string]any{"language": lang})
}

func userID(p *auth.Principal) *int64 {
	if p == nil || p.User.ID == 0 {
		return nil
	}
	id := p.User.ID
	return &id
}
