// Package i18n is the product's languages: the message catalogues of the
// pages and e-mails (locales/*.yaml, embedded), plural forms, and dates and
// numbers written the way each language writes them.
//
// A page or an e-mail gets a *Locale with For(lang) and calls T for a
// message, N for a message that depends on a count, and Int, Date and
// DateTime for numbers and instants. Which language to use is decided by
// the caller: Pick takes the candidates in order of precedence (the user's
// choice, the organization's default, the browser's Accept-Language read by
// Match) and returns the first one the product speaks.
//
// The catalogues are read with github.com/nicksnyder/go-i18n: its YAML
// files are plain data that translators can edit, its plural forms follow
// the Unicode CLDR rules (French counts 0 and 1 as singular, English only 1)
// and its language matching understands regional tags (fr-CA is French).
package i18n

import (
	"fmt"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/locales"
)

// Default is the language used when nothing else is known.
const Default = "en"

// Languages are the languages the product speaks, the default first.
var Languages = []string{"en", "fr"}

// names are the languages as each is written in itself, for a language
// switcher.
var names = map[string]string{"en": "English", "fr": "Français"}

// Locale writes messages, numbers and dates in one language.
type Locale struct {
	lang string
	loc  *goi18n.Localizer
	keys map[string]bool
}

// catalogue is the loaded bundle and one Locale per language.
type catalogue struct {
	bundle  *goi18n.Bundle
	locales map[string]*Locale
}

// load reads the embedded catalogues once. A catalogue that does not parse
// is a defect of the build, which the package's tests catch.
var load = sync.OnceValue(func() *catalogue {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &catalogue{bundle: b, locales: map[string]*Locale{}}
	for _, lang := range Languages {
		keys := map[string]bool{}
		for _, name := range locales.Files(lang) {
			f, err := b.LoadMessageFileFS(locales.FS, name)
			if err != nil {
				panic(fmt.Sprintf("i18n: locales/%s: %v", name, err))
			}
			for _, m := range f.Messages {
				keys[m.ID] = true
			}
		}
		c.locales[lang] = &Locale{lang: lang, loc: goi18n.NewLocalizer(b, lang), keys: keys}
	}
	return c
})

// For returns the Locale of a language; an unknown or empty language is
// the default.
func For(lang string) *Locale {
	c := load()
	if l, ok := c.locales[Normalize(lang)]; ok {
		return l
	}
	return c.locales[Default]
}

// Normalize returns the product's language for a tag ("fr-CA", "FR",
// "fr_CA" are "fr"), or "" when the product does not speak it.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	for _, l := range Languages {
		if l == tag {
			return l
		}
	}
	return ""
}

// Supported reports whether lang is exactly one of Languages, as stored
// on a user or an organization.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Pick returns the first candidate the product speaks, or Default. Callers
// pass the candidates in order of precedence, empty ones included.
func Pick(candidates ...string) string {
	for _, c := range candidates {
		if l := Normalize(c); l != "" {
			return l
		}
	}
	return Default
}

var matcher = sync.OnceValue(func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
})

// Match reads an Accept-Language header and returns the product's language
// that best fits it, or "" when the browser asks for none of them.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := matcher().Match(tags...)
	if conf == language.No {
		return ""
	}
	return Languages[i]
}

// Lang is the locale's language, as in <html lang>.
func (l *Locale) Lang() string { return l.lang }

// Name is the locale's language written in itself ("Français").
func (l *Locale) Name() string { return names[l.lang] }

// Has reports whether the catalogue of the locale's language has a key.
func (l *Locale) Has(key string) bool { return l.keys[key] }

// T returns the message key in the locale's language. args are name, value
// pairs for the message's fields: T("import.title", "File", name) fills
// {{.File}}. A key missing from the catalogue is returned as is, so that it
// shows (the tests fail on it before anyone sees it).
func (l *Locale) T(key string, args ...any) string {
	return l.localize(key, nil, args)
}

// N returns the plural form of message key that fits n, with n written as
// the language writes numbers in {{.Count}}: N("people.count", 1200) is
// "1,200 people" or "1 200 personnes".
func (l *Locale) N(key string, n int64, args ...any) string {
	return l.localize(key, n, append(args, "Count", l.Int(n)))
}

func (l *Locale) localize(key string, count any, args []any) string {
	data := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			data[k] = args[i+1]
		}
	}
	out, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: count})
	if err != nil && out == "" {
		return key
	}
	return out
}

// Term names a vocabulary id of a group ("breach_status", "open"): the
// catalogue's message "group.id", or the id in words when the catalogue
// has none (a value added to the data before its translation).
func (l *Locale) Term(group, id string) string {
	if id == "" {
		return ""
	}
	if key := group + "." + id; l.keys[key] {
		return l.T(key)
	}
	return strings.ReplaceAll(id, "_", " ")
}
