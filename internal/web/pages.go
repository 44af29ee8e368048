package web

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/templates"
)

// pages holds the parsed HTML templates, one set per page.
type pages struct {
	byName map[string]*template.Template
	static http.FileSystem
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range []string{"signin", "breaches", "breach", "deadlines", "import", "review", "error", "invitation"} {
		t, err := template.New(name).Funcs(pageFuncs()).ParseFS(templates.FS, "pages/layout.html", "pages/partials.html", "pages/"+name+".html")
		if err != nil {
			return nil, err
		}
		p.byName[name] = t
	}
	sub, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return nil, err
	}
	p.static = http.FS(sub)
	return p, nil
}

// pageData is what every page template receives.
type pageData struct {
	Title string
	Nav   string
	User  *auth.User
	CSRF  string
	// Page-specific fields.
	Error    string
	Email    string
	Next     string
	Breaches []breach.Breach
	Total    int64
	OrgNames map[int64]string
	Query    string
	Status   string
	Statuses []string
	// Breach is the breach page; Deadlines the deadlines page.
	Breach    *breachView
	Deadlines *deadlinesView
	// Import is the import page; Review the duplicate review page.
	Import *importView
	Review *reviewView
	// Refresh, when set, reloads the page after that many seconds (an
	// import in progress; no script needed).
	Refresh int
	// Status code of the error page.
	Code int
	// Invitation is the invitation acceptance page.
	Invitation *invitationView
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(c *gin.Context, status int, name string, data pageData) {
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

const preSessionCookie = "breachline_csrf"

func (s *Server) pageRoutes() {
	r := s.Engine
	r.StaticFS("/static", s.pages.static)
	forms := r.Group("/", limitBody(64<<10))
	forms.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/breaches") })
	forms.GET("/signin", s.signinPage)
	forms.POST("/signin", s.signin)
	forms.POST("/signout", s.signout)
	forms.GET("/invitations/:token", s.invitationPage)
	forms.POST("/invitations/:token", s.acceptInvitation)
	forms.GET("/breaches", s.requirePage, s.breachesPage)
	forms.GET("/breaches/:id", s.requirePage, s.breachPage)
	forms.GET("/deadlines", s.requirePage, s.deadlinesPage)
	if s.deps.RosterImports != nil {
		forms.GET("/imports/:id", s.requirePage, s.importPage)
	}
	if s.deps.RosterReview != nil {
		forms.GET("/breaches/:id/review", s.requirePage, s.reviewPage)
		forms.POST("/people/:id/review", s.requirePage, s.reviewDecision)
		forms.POST("/imports/:id/review", s.requirePage, s.reviewImportDecision)
	}
	if s.deps.RosterUploads != nil && s.deps.RosterImports != nil {
		// A roster upload is a form too, with the upload limit rather than
		// the forms' 64 kB.
		r.POST("/breaches/:id/imports", limitBodies(64<<10, s.deps.UploadLimit), s.requirePage, s.uploadRoster)
	}
}

// signinPage sets a pre-session CSRF cookie (double submit) for the form.
func (s *Server) signinPage(c *gin.Context) {
	token := newID() + newID()
	s.setCookie(c, preSessionCookie, token, 3600)
	s.render(c, http.StatusOK, "signin", pageData{Title: "Sign in", CSRF: token, Next: localPath(c.Query("next"))})
}

func (s *Server) signin(c *gin.Context) {
	pre, _ := c.Cookie(preSessionCookie)
	if pre == "" || subtle.ConstantTimeCompare([]byte(pre), []byte(c.PostForm("csrf_token"))) != 1 {
		c.Redirect(http.StatusSeeOther, "/signin")
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	u, err := s.deps.Auth.Authenticate(c.Request.Context(), email, c.PostForm("password"))
	if err != nil {
		s.render(c, http.StatusUnauthorized, "signin", pageData{Title: "Sign in", CSRF: pre, Email: email,
			Next: localPath(c.PostForm("next")), Error: "That e-mail and password do not match an account."})
		return
	}
	cookie, _, err := s.deps.Auth.CreateSession(c.Request.Context(), u.ID, s.deps.SessionTTL)
	if err != nil {
		fail(c, err)
		return
	}
	s.setCookie(c, sessionCookie, cookie, int(s.deps.SessionTTL.Seconds()))
	s.setCookie(c, preSessionCookie, "", -1)
	dest := localPath(c.PostForm("next"))
	if dest == "" {
		dest = "/breaches"
	}
	c.Redirect(http.StatusSeeOther, dest)
}

func (s *Server) signout(c *gin.Context) {
	if _, csrf, ok := s.sessionPrincipal(c); ok && csrfMatches(c.PostForm("csrf_token"), csrf) {
		cookie, _ := c.Cookie(sessionCookie)
		s.deps.Auth.DeleteSession(c.Request.Context(), cookie)
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin")
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.deps.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// pageFail shows an error as an HTML page with the status the API would
// give (another organization's breach is "not found"); internal errors are
// logged and shown only with the request id.
func (s *Server) pageFail(c *gin.Context, err error) {
	status, body := classify(err)
	if status >= http.StatusInternalServerError {
		logger(c).Error("page failed", slog.String("error", err.Error()))
	}
	d := pageData{Title: http.StatusText(status), Code: status, Error: body.Message}
	if status >= http.StatusInternalServerError {
		d.Error = "Something went wrong on our side. Quote request " + requestID(c) + " when reporting it."
	}
	if p, ok := c.Get(keyPrincipal); ok {
		d.User, d.CSRF = &p.(*auth.Principal).User, c.GetString(keyCSRF)
	}
	s.render(c, status, "error", d)
	c.Abort()
}

// requirePage sends a browser without a session to the sign-in page, which
// returns it to the page it asked for (a breach linked from a reminder).
func (s *Server) requirePage(c *gin.Context) {
	p, csrf, ok := s.sessionPrincipal(c)
	if !ok {
		target := "/signin"
		if next := localPath(c.Request.URL.Path); next != "" && next != "/breaches" {
			target += "?next=" + url.QueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, target)
		c.Abort()
		return
	}
	c.Set(keyPrincipal, p)
	c.Set(keyCSRF, csrf)
	c.Next()
}

func (s *Server) breachesPage(c *gin.Context) {
	p := principal(c)
	f := breach.ListFilter{Query: c.Query("q"), Status: c.Query("status")}
	if f.Status != "" && !contains(breach.Statuses, f.Status) {
		f.Status = ""
	}
	list, total, err := s.deps.Breaches.List(c.Request.Context(), p, f)
	if err != nil {
		fail(c, err)
		return
	}
	orgs, err := s.deps.Auth.Organizations(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	s.render(c, http.StatusOK, "breaches", pageData{Title: "Breaches", Nav: "breaches", User: &p.User,
		CSRF: c.GetString(keyCSRF), Breaches: list, Total: total, OrgNames: names,
		Query: f.Query, Status: f.Status, Statuses: breach.Statuses})
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
