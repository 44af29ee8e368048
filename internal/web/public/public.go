// Package public is the pages for affected people: checking that a notice
// is genuine (/verify) and reading a breach's incident page
// (/incidents/<slug>). They need no session and no script, have their own
// small layout and stylesheet (readable on a phone, printable), speak
// English and French (the visitor chooses; the browser's Accept-Language
// decides first) and load nothing from another site.
package public

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/incident"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/ratelimit"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/templates"
)

// Verifier checks reference codes (notice.Service).
type Verifier interface {
	Verify(ctx context.Context, code string) (notice.Verification, error)
}

// Incidents reads the public incident pages (incident.Service).
type Incidents interface {
	PublicPage(ctx context.Context, slug string) (incident.Public, error)
	PublicIndex(ctx context.Context, slug string) (incident.Index, error)
	PublishedSlug(ctx context.Context, breachID int64) (string, error)
	Preview(ctx context.Context, p *auth.Principal, breachID int64) (incident.Public, error)
}

// Limiter counts lookups per client and in total (ratelimit.Limiter).
type Limiter interface {
	Allow(ip string) ratelimit.Decision
}

// Deps are what the pages call; every one is required.
type Deps struct {
	Notices   Verifier
	Incidents Incidents
	Limit     Limiter
}

// site holds the parsed pages, one set per language.
type site struct {
	s      *web.Server
	d      Deps
	byLang map[string]*template.Template
}

// pageNames are the public page templates.
var pageNames = []string{"verify", "limited", "incident", "gone", "index", "missing", "problem"}

// Register adds the public pages to the server.
func Register(s *web.Server, d Deps) error {
	if d.Notices == nil || d.Incidents == nil || d.Limit == nil {
		panic("public.Register: every dependency is required")
	}
	p := &site{s: s, d: d, byLang: map[string]*template.Template{}}
	files := []string{"public/layout.html"}
	for _, n := range pageNames {
		files = append(files, "public/"+n+".html")
	}
	for _, lang := range i18n.Languages {
		t, err := template.New("public").Funcs(funcs(i18n.For(lang))).ParseFS(templates.FS, files...)
		if err != nil {
			return err
		}
		p.byLang[lang] = t
	}
	forms := s.Engine.Group("/", web.LimitBody(8<<10), s.RejectNULForm)
	forms.GET("/verify", p.verifyForm)
	forms.GET("/verify/:code", p.verifyForm)
	forms.POST("/verify", p.verify)
	forms.GET("/incidents/:slug", p.incidentPage)
	forms.GET("/incidents/org/:slug", p.indexPage)
	forms.GET("/breaches/:id/incident/preview", p.previewPage)
	return nil
}

// funcs are the templates' functions, writing in l's language.
func funcs(l *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"t":     memoT(l),
		"date":  func(t time.Time) string { return l.Date(t) },
		"paras": paragraphs,
	}
}

// memoT is l.T remembering the messages that take no arguments: most of
// a public page's words are the same on every answer, and working each
// out again costs more than the rest of a code check's page.
func memoT(l *i18n.Locale) func(key string, args ...any) string {
	var known sync.Map // key -> string
	return func(key string, args ...any) string {
		if len(args) > 0 {
			return l.T(key, args...)
		}
		if v, ok := known.Load(key); ok {
			return v.(string)
		}
		v := l.T(key)
		known.Store(key, v)
		return v
	}
}

// paragraphs splits a text at its blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// frame is what the public layout reads; each page's view embeds it.
type frame struct {
	Title string
	Lang  string
	// Other is the other language and the address of this page in it.
	Other     *i18n.Locale
	OtherHref string
	// NoIndex asks search engines not to list the page.
	NoIndex bool
}

// robots reports whether search engines are asked to leave the page out.
func (f frame) robots() bool { return f.NoIndex }

// locale is the visitor's language: ?lang= (or the form's lang), else the
// browser's Accept-Language, else English.
func locale(c *gin.Context) *i18n.Locale {
	return i18n.For(i18n.Pick(c.Query("lang"), c.PostForm("lang"), i18n.Match(c.GetHeader("Accept-Language"))))
}

// newFrame is the layout of a page whose other-language version is at
// path with ?lang= set.
func newFrame(l *i18n.Locale, titleKey, path string, query url.Values) frame {
	f := frame{Title: l.T(titleKey), Lang: l.Lang()}
	for _, lang := range i18n.Languages {
		if lang != l.Lang() {
			f.Other = i18n.For(lang)
			q := url.Values{}
			for k, v := range query {
				q[k] = v
			}
			q.Set("lang", lang)
			f.OtherHref = path + "?" + q.Encode()
		}
	}
	return f
}

// render writes a page in l's language; a template error is a plain 500.
func (p *site) render(c *gin.Context, l *i18n.Locale, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.byLang[l.Lang()].ExecuteTemplate(&buf, name, data); err != nil {
		web.LogFailure(c, http.StatusInternalServerError, err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Content-Language", l.Lang())
	c.Header("Cache-Control", "no-store")
	if f, ok := data.(interface{ robots() bool }); ok && f.robots() {
		c.Header("X-Robots-Tag", "noindex, nofollow")
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// problemData is the page of a failure the visitor can do nothing about.
type problemData struct {
	frame
	Code      int
	RequestID string
}

// fail shows a failure as a plain public page, never the service's words:
// not found, or "something went wrong" with the request id.
func (p *site) fail(c *gin.Context, l *i18n.Locale, err error) {
	pr := web.Classify(err)
	web.LogFailure(c, pr.Status, err)
	if pr.Status == http.StatusNotFound {
		d := problemData{frame: newFrame(l, "public.missing.title", c.Request.URL.Path, nil), Code: pr.Status}
		d.NoIndex = true
		p.render(c, l, http.StatusNotFound, "missing", d)
		return
	}
	web.SetRetryAfter(c, pr)
	status := pr.Status
	d := problemData{frame: newFrame(l, "public.problem.title", c.Request.URL.Path, nil), Code: status, RequestID: web.RequestID(c)}
	d.NoIndex = true
	p.render(c, l, status, "problem", d)
}
