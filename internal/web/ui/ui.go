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
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
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
	// TokenMaxTTL is the longest an API token made on the account page
	// may last.
	TokenMaxTTL time.Duration
}

// pages holds the parsed templates, one set per page, and the services.
type pages struct {
	s      *web.Server
	d      Deps
	byName map[string]*template.Template
	static http.FileSystem
}

// Register adds the pages to the server's engine and makes the server
// answer errors on page paths as pages.
func Register(s *web.Server, d Deps) error {
	if d.Auth == nil || d.Breaches == nil || d.Obligations == nil || d.Documents == nil || d.Roster == nil {
		panic("ui.Register: every service is required")
	}
	u := &pages{s: s, d: d, byName: map[string]*template.Template{}}
	for _, name := range []string{"signin", "signin_code", "breaches", "breach", "deadlines", "import", "review", "error", "invitation",
		"message", "forgot", "reset", "unlock", "account", "two_step"} {
		t, err := template.New(name).Funcs(pageFuncs()).ParseFS(templates.FS, "pages/layout.html", "pages/partials.html", "pages/"+name+".html")
		if err != nil {
			return err
		}
		u.byName[name] = t
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
}

// signedIn is the layout of a page for the signed-in caller.
func signedIn(c *gin.Context, title, nav string) layout {
	p := web.Principal(c)
	return layout{Title: title, Nav: nav, User: &p.User, CSRF: web.CSRF(c)}
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *pages) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := u.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		web.LogFailure(c, http.StatusInternalServerError, err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (u *pages) routes() {
	r := u.s.Engine
	r.StaticFS("/static", u.static)
	forms := r.Group("/", web.LimitBody(64<<10))
	forms.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/breaches") })
	forms.GET("/signin", u.signinPage)
	forms.POST("/signin", u.signin)
	forms.POST("/signin/code", u.signinCode)
	forms.POST("/signout", u.signout)
	u.accountRoutes(forms)
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
	d := errorData{layout: layout{Title: http.StatusText(p.Status)}, Code: p.Status, Error: p.Message}
	if p.Status >= http.StatusInternalServerError {
		d.Error = "Something went wrong on our side. Quote request " + web.RequestID(c) + " when reporting it."
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
	u.render(c, http.StatusOK, "breaches", breachesData{layout: signedIn(c, "Breaches", "breaches"),
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
