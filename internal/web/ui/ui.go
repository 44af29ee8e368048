// Package ui is the privacy office's pages: server-rendered html/template,
// a file per page, each with its own view struct embedding the layout.
// Pages answer every error as an HTML page (never JSON), check the session's
// form token on every post, and leave every permission to the services.
package ui

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
	"github.com/breachline/breachline/templates"
)

// AuthService is what the pages need of accounts (auth.Service).
type AuthService interface {
	SignIn(ctx context.Context, in auth.SignInInput) (auth.SignInResult, error)
	SignInSecondStep(ctx context.Context, in auth.SecondStepInput) (auth.SignInResult, error)
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, string, error)
	DeleteSession(ctx context.Context, cookie string) error
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
	Invitation(ctx context.Context, token string) (auth.InvitationView, error)
	AcceptInvitation(ctx context.Context, token string, by *auth.Principal, requestID string, in auth.AcceptInput) (auth.User, error)
	SetLanguage(ctx context.Context, p *auth.Principal, requestID, lang string) (auth.User, error)
	AccountService
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
	// CatalogueIn is the catalogue with its texts in lang, the English one
	// for a language it has no texts in.
	CatalogueIn(lang string) *rules.Catalogue
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
	Notices     NoticeService
	// Incidents keeps the breaches' public incident pages.
	Incidents IncidentService
	// Admin and Calendars serve the administration pages (admin.go).
	Admin     AdminService
	Calendars CalendarService
	// Uploads receives roster files sent with the breach page's form.
	Uploads web.RosterUploads
	// SessionTTL is the length of a sign-in.
	SessionTTL time.Duration
	// TokenMaxTTL is the longest an API token made on the account page
	// may last.
	TokenMaxTTL time.Duration
	// Feed, People and Trail serve the calendar subscription, the roster
	// pages and the audit trail.
	Feed   FeedService
	People PeopleService
	Trail  TrailService
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
	if d.Auth == nil || d.Breaches == nil || d.Obligations == nil || d.Documents == nil || d.Roster == nil || d.Notices == nil || d.Admin == nil || d.Calendars == nil {
		panic("ui.Register: every service is required")
	}
	u := &pages{s: s, d: d, byLang: map[string]map[string]*template.Template{}}
	for _, name := range append([]string{"signin", "signin_code", "breaches", "breach", "deadlines", "import", "review", "error", "invitation",
		"message", "forgot", "reset", "unlock", "account", "two_step"}, append(noticePages, append(adminPages, officePages...)...)...) {
		if err := u.parsePage(name); err != nil {
			return err
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

// parsePage parses a page's template once per language, with the shared
// partials and the administration's; the t, tn, term and date functions of
// each copy write in that language.
func (u *pages) parsePage(name string) error {
	return u.parseWith(name, "pages/admin_partials.html")
}

// parseWith parses a page with the layout, the shared partials and extra,
// once per language.
func (u *pages) parseWith(name string, extra ...string) error {
	files := append([]string{"pages/layout.html", "pages/partials.html", "pages/notice_partials.html"}, extra...)
	t, err := template.New(name).Funcs(u.funcs(i18n.Default)).ParseFS(templates.FS, append(files, "pages/"+name+".html")...)
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
		u.byLang[lang][name] = clone.Funcs(u.funcs(lang))
	}
	return nil
}

// layout is what the layout template of every page reads; each page's
// view embeds it.
type layout struct {
	Title string
	Nav   string
	User  *auth.User
	CSRF  string
	// Lang is the page's language (<html lang>); OtherLanguages are the
	// language switcher's choices, Path the page it returns to and
	// LangCSRF its form token (the session's, empty before sign-in).
	Lang           string
	OtherLanguages []*i18n.Locale
	Path           string
	LangCSRF       string
	// CanAdmin: the user administers an organization (the nav shows
	// Administration).
	CanAdmin bool
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

// anon is the layout of a page shown before (or without) signing in: its
// title from the catalogue, and the form's token when it has a form.
func (u *pages) anon(c *gin.Context, titleKey, csrf string) layout {
	lay := u.base(c, u.locale(c).T(titleKey))
	lay.CSRF = csrf
	return lay
}

// signedIn is the layout of a page for the signed-in caller.
func (u *pages) signedIn(c *gin.Context, title, nav string) layout {
	lay := u.base(c, title)
	p := web.Principal(c)
	lay.Nav, lay.User, lay.CSRF = nav, &p.User, web.CSRF(c)
	lay.CanAdmin = len(p.OrgIDsWith(auth.Administer)) > 0
	return lay
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *pages) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	c.Header("Content-Language", u.locale(c).Lang())
	if err := u.byLang[u.locale(c).Lang()][name].ExecuteTemplate(&buf, "layout", data); err != nil {
		u.renderFailed(c, name, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (u *pages) routes() {
	r := u.s.Engine
	r.StaticFS("/static", u.static)
	forms := r.Group("/", web.LimitBody(64<<10), u.s.RejectNULForm)
	forms.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/breaches") })
	forms.GET("/signin", u.signinPage)
	forms.POST("/signin", u.signin)
	forms.POST("/signin/code", u.signinCode)
	forms.POST("/signout", u.signout)
	forms.POST("/language", u.setLanguage)
	u.accountRoutes(forms)
	forms.GET("/invitations/:token", u.invitationPage)
	forms.POST("/invitations/:token", u.acceptInvitation)
	u.breachWorkRoutes(forms)
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
	u.noticeRoutes(r, forms)
	u.incidentRoutes(r)
	u.adminRoutes(forms)
	u.officeRoutes(forms)
}

const preSessionCookie = "breachline_csrf"

// preSession gives a form shown before signing in a double-submit token
// (a cookie and the same value in the form).
func (u *pages) preSession(c *gin.Context) string {
	token := web.NewID() + web.NewID()
	u.s.SetCookie(c, preSessionCookie, token, 3600)
	return token
}

// preSessionOK checks a form posted before signing in: its token is the
// cookie's, or the signed-in session's.
func (u *pages) preSessionOK(c *gin.Context) bool {
	got := c.PostForm("csrf_token")
	if pre, _ := c.Cookie(preSessionCookie); pre != "" && subtle.ConstantTimeCompare([]byte(pre), []byte(got)) == 1 {
		return true
	}
	_, csrf, ok := u.s.SessionPrincipal(c)
	return ok && web.CSRFMatches(got, csrf)
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
	web.SetRetryAfter(c, p)
	l := u.locale(c)
	d := errorData{layout: u.base(c, statusTitle(l, p.Status)), Code: p.Status, Error: problemText(l, p)}
	switch {
	case p.Status == http.StatusNotFound:
		d.Error = l.T("error.not_found_text")
	case p.Status == http.StatusServiceUnavailable:
		d.Error = l.T("error.unavailable")
	case p.Status >= http.StatusInternalServerError:
		d.Error = l.T("error.internal", "ID", web.RequestID(c))
	}
	if v, ok := c.Get("principal"); ok {
		d.User, d.CSRF = &v.(*auth.Principal).User, web.CSRF(c)
		d.CanAdmin = len(v.(*auth.Principal).OrgIDsWith(auth.Administer)) > 0
	}
	u.render(c, p.Status, "error", d)
	c.Abort()
}

// requirePage sends a browser without a session to the sign-in page, which
// returns it to the page it asked for (a breach linked from a reminder).
func (u *pages) requirePage(c *gin.Context) {
	p, csrf, err := u.s.Session(c)
	if err != nil && !errors.Is(err, errs.ErrUnauthorized) {
		u.fail(c, err) // the store failed: 503, not a sign-in
		return
	}
	if err != nil {
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
	// CanCreate: the user may open a breach in one of its organizations.
	CanCreate bool
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
	names, canCreate := map[int64]string{}, false
	for _, o := range orgs {
		names[o.ID] = o.Name
		canCreate = canCreate || p.Require(o.ID, auth.Write) == nil
	}
	u.render(c, http.StatusOK, "breaches", breachesData{layout: u.signedIn(c, u.locale(c).T("breaches.title"), "breaches"),
		Breaches: list, Total: total, OrgNames: names, Query: f.Query, Status: f.Status, Statuses: breach.Statuses, CanCreate: canCreate})
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

// formParam checks a posted form's CSRF token and reads the numeric path
// parameter name; when either fails the page has answered.
func (u *pages) formParam(c *gin.Context, name string) (int64, bool) {
	if !u.formChecked(c) {
		return 0, false
	}
	id, err := web.ParamID(c, name)
	if err != nil {
		u.fail(c, err)
		return 0, false
	}
	return id, true
}
