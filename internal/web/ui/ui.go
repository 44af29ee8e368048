// Package ui is the privacy office's pages: server-rendered html/template,
// a file per page, each with its own view struct embedding the layout.
// Pages answer every error as an HTML page (never JSON), check the session's
// form token on every post, and leave every permission to the services.
package ui

import (
	"bytes"
	"context"
	"crypto/subtle"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/templates"
)

// AuthService is what the pages need of accounts (auth.Service).
type AuthService interface {
	Authenticate(ctx context.Context, email, password string) (auth.User, error)
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, string, error)
	DeleteSession(ctx context.Context, cookie string) error
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
	Invitation(ctx context.Context, token string) (auth.InvitationView, error)
	AcceptInvitation(ctx context.Context, token string, by *auth.Principal, requestID string, in auth.AcceptInput) (auth.User, error)
	SetLanguage(ctx context.Context, p *auth.Principal, requestID, lang string) (auth.User, error)
}

// BreachService is what the pages need of breaches (breach.Service).
type BreachService interface {
	List(ctx context.Context, p *auth.Principal, f breach.ListFilter) ([]breach.Breach, int64, error)
	Get(ctx context.Context, p *auth.Principal, id int64) (breach.Breach, error)
	Categories(ctx context.Context) ([]breach.Category, error)
}

// ObligationService is what the pages need of obligations.
type ObligationService interface {
	List(ctx context.Context, p *auth.Principal, breachID int64) (obligation.BreachObligations, error)
	Deadlines(ctx context.Context, p *auth.Principal) ([]obligation.Deadline, error)
	Catalogue() *rules.Catalogue
}

// DocumentService lists the stored documents of a breach.
type DocumentService interface {
	List(ctx context.Context, p *auth.Principal, breachID int64) ([]document.Document, error)
}

// RosterService is what the pages need of the roster: counts, imports,
// uploads and the review of flagged duplicates.
type RosterService interface {
	Counts(ctx context.Context, p *auth.Principal, breachID int64) (roster.Totals, error)
	CheckBreach(ctx context.Context, p *auth.Principal, breachID int64, perm auth.Permission) (roster.BreachRef, error)
	StartImport(ctx context.Context, p *auth.Principal, requestID string, breachID int64, up roster.Upload) (roster.Import, error)
	ListImports(ctx context.Context, p *auth.Principal, breachID int64) ([]roster.Import, error)
	GetImport(ctx context.Context, p *auth.Principal, id int64) (roster.Import, error)
	ReviewQueue(ctx context.Context, p *auth.Principal, requestID string, breachID int64, limit, offset int) (roster.ReviewPage, error)
	ReviewPerson(ctx context.Context, p *auth.Principal, requestID string, personID int64, d roster.ReviewDecision) (roster.ReviewResult, error)
	ReviewImport(ctx context.Context, p *auth.Principal, requestID string, importID int64, d roster.ReviewDecision) (roster.BulkReviewResult, error)
}

// Deps are the services the pages call and their settings; every service
// is required.
type Deps struct {
	Auth        AuthService
	Breaches    BreachService
	Obligations ObligationService
	Documents   DocumentService
	Roster      RosterService
	// Uploads receives roster files sent with the breach page's form.
	Uploads web.RosterUploads
	// SessionTTL is the length of a sign-in.
	SessionTTL time.Duration
}

// pages holds the parsed templates, one set per page and language, and
// the services.
type pages struct {
	s *web.Server
	d Deps
	// byLang holds, for each language, the page templates by name; their
	// t, tn, term and date functions write in that language.
	byLang map[string]map[string]*template.Template
	static http.FileSystem
}

// Register adds the pages to the server's engine and makes the server
// answer errors on page paths as pages.
func Register(s *web.Server, d Deps) error {
	if d.Auth == nil || d.Breaches == nil || d.Obligations == nil || d.Documents == nil || d.Roster == nil {
		panic("ui.Register: every service is required")
	}
	u := &pages{s: s, d: d, byLang: map[string]map[string]*template.Template{}}
	for _, name := range []string{"signin", "breaches", "breach", "deadlines", "import", "review", "error", "invitation"} {
		t, err := template.New(name).Funcs(pageFuncs(i18n.For(i18n.Default))).ParseFS(templates.FS, "pages/layout.html", "pages/partials.html", "pages/"+name+".html")
		if err != nil {
			return err
		}
		for _, lang := range i18n.Languages {
			if u.byLang[lang] == nil {
				u.byLang[lang] = map[string]*template.Template{}
			}
			clone, err := t.Clone()
			if err != nil {
				return err
			}
			u.byLang[lang][name] = clone.Funcs(pageFuncs(i18n.For(lang)))
		}
	}
	sub, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return err
	}
	u.static = http.FS(sub)
	s.PageError = u.fail
	u.routes()
	return nil
}

// layout is what the layout template of every page reads; each page's
// view embeds it.
type layout struct {
	Title string
	Nav   string
	User  *auth.User
	CSRF  string
	// Refresh, when set, reloads the page after that many seconds (an
	// import in progress; no script needed).
	Refresh int
	// Lang is the page's language (<html lang>); OtherLanguages are the
	// language switcher's choices, Path the page it returns to and
	// LangCSRF its form token (the session's, empty before sign-in).
	Lang           string
	OtherLanguages []*i18n.Locale
	Path           string
	LangCSRF       string
}

// base is the layout of a page for whoever asks, signed in or not.
func (u *pages) base(c *gin.Context, title string) layout {
	l := u.locale(c)
	_, csrf := u.caller(c)
	lay := layout{Title: title, Lang: l.Lang(), Path: returnPath(c.Request.URL), LangCSRF: csrf}
	for _, lang := range i18n.Languages {
		if lang != l.Lang() {
			lay.OtherLanguages = append(lay.OtherLanguages, i18n.For(lang))
		}
	}
	return lay
}

// signedIn is the layout of a page for the signed-in caller.
func (u *pages) signedIn(c *gin.Context, title, nav string) layout {
	lay := u.base(c, title)
	p := web.Principal(c)
	lay.Nav, lay.User, lay.CSRF = nav, &p.User, web.CSRF(c)
	return lay
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *pages) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	c.Header("Content-Language", u.locale(c).Lang())
	if err := u.byLang[u.locale(c).Lang()][name].ExecuteTemplate(&buf, "layout", data); err != nil {
		web.LogFailure(c, http.StatusInternalServerError, err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

const preSessionCookie = "breachline_csrf"

func (u *pages) routes() {
	r := u.s.Engine
	r.StaticFS("/static", u.static)
	forms := r.Group("/", web.LimitBody(64<<10))
	forms.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/breaches") })
	forms.GET("/signin", u.signinPage)
	forms.POST("/signin", u.signin)
	forms.POST("/signout", u.signout)
	forms.POST("/language", u.setLanguage)
	forms.GET("/invitations/:token", u.invitationPage)
	forms.POST("/invitations/:token", u.acceptInvitation)
	forms.GET("/breaches", u.requirePage, u.breachesPage)
	forms.GET("/breaches/:id", u.requirePage, u.breachPage)
	forms.GET("/deadlines", u.requirePage, u.deadlinesPage)
	forms.GET("/imports/:id", u.requirePage, u.importPage)
	forms.GET("/breaches/:id/review", u.requirePage, u.reviewPage)
	forms.POST("/people/:id/review", u.requirePage, u.reviewDecision)
	forms.POST("/imports/:id/review", u.requirePage, u.reviewImportDecision)
	// A roster upload is a form too, with the upload limit rather than the
	// forms' 64 kB.
	r.POST("/breaches/:id/imports", web.LimitBodies(64<<10, u.s.UploadLimit()), u.requirePage, u.uploadRoster)
}

// signinData is the sign-in page.
type signinData struct {
	layout
	Error, Email, Next string
}

// signinPage sets a pre-session CSRF cookie (double submit) for the form.
func (u *pages) signinPage(c *gin.Context) {
	token := web.NewID() + web.NewID()
	u.s.SetCookie(c, preSessionCookie, token, 3600)
	lay := u.base(c, u.locale(c).T("signin.title"))
	lay.CSRF = token
	u.render(c, http.StatusOK, "signin", signinData{layout: lay, Next: localPath(c.Query("next"))})
}

func (u *pages) signin(c *gin.Context) {
	pre, _ := c.Cookie(preSessionCookie)
	if pre == "" || subtle.ConstantTimeCompare([]byte(pre), []byte(c.PostForm("csrf_token"))) != 1 {
		c.Redirect(http.StatusSeeOther, "/signin")
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	user, err := u.d.Auth.Authenticate(c.Request.Context(), email, c.PostForm("password"))
	if err != nil {
		l := u.locale(c)
		lay := u.base(c, l.T("signin.title"))
		lay.CSRF = pre
		u.render(c, http.StatusUnauthorized, "signin", signinData{layout: lay, Email: email,
			Next: localPath(c.PostForm("next")), Error: l.T("signin.error")})
		return
	}
	cookie, _, err := u.d.Auth.CreateSession(c.Request.Context(), user.ID, u.d.SessionTTL)
	if err != nil {
		u.fail(c, err)
		return
	}
	u.s.SetCookie(c, web.SessionCookie, cookie, int(u.d.SessionTTL.Seconds()))
	u.s.SetCookie(c, preSessionCookie, "", -1)
	dest := localPath(c.PostForm("next"))
	if dest == "" {
		dest = "/breaches"
	}
	c.Redirect(http.StatusSeeOther, dest)
}

func (u *pages) signout(c *gin.Context) {
	if _, csrf, ok := u.s.SessionPrincipal(c); ok && web.CSRFMatches(c.PostForm("csrf_token"), csrf) {
		cookie, _ := c.Cookie(web.SessionCookie)
		_ = u.d.Auth.DeleteSession(c.Request.Context(), cookie)
	}
	u.s.SetCookie(c, web.SessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin")
}

// errorData is the error page.
type errorData struct {
	layout
	Code  int
	Error string
}

// fail shows an error as an HTML page with the status the API would give
// (another organization's breach is "not found"); internal errors are
// logged and shown only with the request id.
func (u *pages) fail(c *gin.Context, err error) {
	p := web.Classify(err)
	web.LogFailure(c, p.Status, err)
	l := u.locale(c)
	d := errorData{layout: u.base(c, statusTitle(l, p.Status)), Code: p.Status, Error: problemText(l, p)}
	switch {
	case p.Status == http.StatusNotFound:
		d.Error = l.T("error.not_found_text")
	case p.Status >= http.StatusInternalServerError:
		d.Error = l.T("error.internal", "ID", web.RequestID(c))
	}
	if v, ok := c.Get("principal"); ok {
		d.User, d.CSRF = &v.(*auth.Principal).User, web.CSRF(c)
	}
	u.render(c, p.Status, "error", d)
	c.Abort()
}

// requirePage sends a browser without a session to the sign-in page, which
// returns it to the page it asked for (a breach linked from a reminder).
func (u *pages) requirePage(c *gin.Context) {
	p, csrf, ok := u.s.SessionPrincipal(c)
	if !ok {
		target := "/signin"
		if next := localPath(c.Request.URL.Path); next != "" && next != "/breaches" {
			target += "?next=" + url.QueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, target)
		c.Abort()
		return
	}
	web.SetPrincipal(c, p, csrf)
	c.Next()
}

// breachesData is the breaches page.
type breachesData struct {
	layout
	Breaches []breach.Breach
	Total    int64
	OrgNames map[int64]string
	Query    string
	Status   string
	Statuses []string
}

func (u *pages) breachesPage(c *gin.Context) {
	p := web.Principal(c)
	f := breach.ListFilter{Query: c.Query("q"), Status: c.Query("status")}
	if f.Status != "" && !contains(breach.Statuses, f.Status) {
		f.Status = ""
	}
	list, total, err := u.d.Breaches.List(c.Request.Context(), p, f)
	if err != nil {
		u.fail(c, err)
		return
	}
	orgs, err := u.d.Auth.Organizations(c.Request.Context(), p)
	if err != nil {
		u.fail(c, err)
		return
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	u.render(c, http.StatusOK, "breaches", breachesData{layout: u.signedIn(c, u.locale(c).T("breaches.title"), "breaches"),
		Breaches: list, Total: total, OrgNames: names, Query: f.Query, Status: f.Status, Statuses: breach.Statuses})
}

// localPathRe is the shape of a page of this site that sign-in may return
// to: a plain path, so no other host ("//evil", "/\\evil") can be named.
var localPathRe = regexp.MustCompile(`^/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$`)

// localPath returns p if it is a path of this site, otherwise "".
func localPath(p string) string {
	if len(p) > 200 || !localPathRe.MatchString(p) {
		return ""
	}
	return p
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
