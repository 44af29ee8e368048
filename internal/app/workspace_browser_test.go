package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/roster"
)

// Who visits a page: a member of each role, or nobody signed in.
const (
	wsAnonymous = "anonymous"
	wsAdmin     = string(auth.RoleAdmin)
	wsOfficer   = string(auth.RolePrivacyOfficer)
	wsLegal     = string(auth.RoleLegal)
	wsViewer    = string(auth.RoleViewer)
)

var (
	wsRoles     = []string{wsAdmin, wsOfficer, wsLegal, wsViewer}
	wsEveryone  = []string{wsAnonymous, wsAdmin, wsOfficer, wsLegal, wsViewer}
	wsSignedOut = []string{wsAnonymous}
	wsPersonal  = []string{wsAdmin, wsOfficer}
)

// workspacePage is one page of the workspace: its path (placeholders in
// braces are the fixture's ids, see workspace.path), who may see it (the
// others get a 403 or 404 page), the status it answers, and, for a page a
// form leads to, the button to press on the page at path.
type workspacePage struct {
	name   string
	path   string
	roles  []string
	status int
	press  string
}

// workspacePages is every page there is, signed in and signed out. A new
// page is one more line here.
var workspacePages = []workspacePage{
	{name: "sign-in", path: "/signin", roles: wsSignedOut, status: 200},
	{name: "forgot-password", path: "/password/forgot", roles: wsSignedOut, status: 200},
	{name: "invitation", path: "{invitation}", roles: wsSignedOut, status: 200},
	{name: "breaches", path: "/breaches", roles: wsRoles, status: 200},
	{name: "breach", path: "/breaches/{breach}", roles: wsRoles, status: 200},
	{name: "deadlines", path: "/deadlines", roles: wsRoles, status: 200},
	{name: "import-done", path: "/imports/{import}", roles: wsRoles, status: 200},
	{name: "import-queued", path: "/imports/{queued}", roles: wsRoles, status: 200},
	{name: "review", path: "/breaches/{breach}/review", roles: wsPersonal, status: 200},
	{name: "account", path: "/account", roles: wsRoles, status: 200},
	{name: "two-step", path: "/account", roles: wsRoles, status: 200, press: `form[action="/account/two-step"] button`},
	{name: "campaigns", path: "/breaches/{breach}/campaigns", roles: wsRoles, status: 200},
	{name: "campaign", path: "/campaigns/{campaign}", roles: wsRoles, status: 200},
	{name: "deliveries", path: "/campaigns/{campaign}/deliveries", roles: wsPersonal, status: 200},
	{name: "notice-templates", path: "/notice-templates/acme", roles: wsRoles, status: 200},
	{name: "notice-template", path: "/notice-templates/acme/general/en", roles: wsRoles, status: 200},
	{name: "error-404", path: "/no/such/page", roles: wsEveryone, status: 404},
	{name: "error-500", path: "/test/panic", roles: wsEveryone, status: 500},
	{name: "error-503", path: "/test/unavailable", roles: wsEveryone, status: 503},
}

// workspace is a demo-like installation: one organization with a member of
// each role, a breach under PIPEDA with its duties, a roster whose second
// import repeats a person (a duplicate to review), a summary document, a
// notice campaign, an invitation waiting, and two routes that fail (a
// panic, the database unavailable).
type workspace struct {
	*apptest.Env
	tokens   map[string]string
	emails   map[string]string
	breach   int64
	campaign int64
	imported int64
	invite   string
}

func newWorkspace(t *testing.T) *workspace {
	t.Helper()
	e := apptest.New(t, db.SQLite)
	// Routes that fail, added before the first request.
	e.Server.Engine.GET("/test/panic", func(*gin.Context) { panic("a page's handler failed") })
	e.Server.Engine.GET("/test/unavailable", func(c *gin.Context) { e.Server.PageError(c, db.ErrWriterBusy) })
	w := &workspace{Env: e, tokens: map[string]string{}, emails: map[string]string{}}
	org := e.Org("acme")
	// A member of each role for each language, who chose it: the
	// languages' visits run at once.
	for _, role := range wsRoles {
		for _, lang := range []string{"en", "fr"} {
			key := role + "/" + lang
			w.emails[key] = strings.ReplaceAll(role, "_", "-") + "-" + lang + "@acme.example"
			w.tokens[key] = e.User(w.emails[key], org, auth.Role(role))
			if res := e.Do("PATCH", "/api/v1/me", w.tokens[key], map[string]string{"language": lang}); res.Status != http.StatusOK {
				t.Fatalf("language of %s: %d %s", key, res.Status, res.Body)
			}
		}
		w.tokens[role] = w.tokens[role+"/en"]
	}
	if res := e.Do("PATCH", "/api/v1/organizations/acme", w.tokens[wsAdmin], map[string]any{"roles": []string{"commercial_org"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100"}); res.Status != 200 {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	w.breach = e.Breach(w.tokens[wsOfficer], map[string]any{"organization": "acme", "title": "Mailing list exposed",
		"description": "A misconfigured server exposed our customer mailing list at https://files.acme.example/exports/customers-2026-11-02-full-export.csv for a day.",
		"kinds":       []string{"unauthorized_access"}, "data_categories": []string{"name", "contact"},
		"containment": "We closed the server the same day.",
		"events": []map[string]string{{"kind": "occurred", "at": "2026-11-02T09:00:00-05:00", "zone": "America/Toronto"},
			{"kind": "discovered", "at": "2026-11-03T10:00:00-05:00", "zone": "America/Toronto", "note": "Reported by a customer"}}})
	if res := e.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/rrosh", w.breach), w.tokens[wsOfficer], map[string]string{"value": "yes"}); res.Status != 200 {
		t.Fatalf("answer: %d %s", res.Status, res.Body)
	}
	w.importFile(t, "roster.csv", noticeRoster)
	w.imported = w.importFile(t, "second-roster.csv", "id,name,email,province,language\nP11,Ann Lee,ann@example.org,ON,en\nP12,Kim Vo,kim@example.org,ON,en\n")
	generate(t, e, w.tokens[wsOfficer], w.breach, map[string]any{"kind": "summary"}, http.StatusCreated)
	res := e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/campaigns", w.breach), w.tokens[wsOfficer], map[string]any{
		"name": "First notice", "template_set": "general", "default_language": "en", "content": campaignContent()})
	if res.Status != http.StatusCreated {
		t.Fatalf("campaign: %d %s", res.Status, res.Body)
	}
	var c struct{ ID int64 }
	res.JSON(t, &c)
	w.campaign = c.ID
	if res := e.Do("POST", "/api/v1/organizations/acme/members", w.tokens[wsAdmin], map[string]string{"email": "new@acme.example", "role": "viewer"}); res.Status >= 300 {
		t.Fatalf("invitation: %d %s", res.Status, res.Body)
	}
	if links := invitationLinks(t, e, "new@acme.example"); len(links) == 1 {
		w.invite = links[0]
	} else {
		t.Fatalf("invitation links: %q", links)
	}
	return w
}

// importFile imports a roster file through the importer and returns the
// import's id; a person already on the roster is flagged for review.
func (w *workspace) importFile(t *testing.T, name, csv string) int64 {
	t.Helper()
	ctx := context.Background()
	imp, err := roster.Queue(ctx, w.App.DB.Gorm, nil, w.breach, roster.Upload{FileName: name})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := w.App.Roster.Importer.Run(ctx, &imp, strings.NewReader(csv), roster.RunOptions{}); err != nil || res.Rejected != 0 {
		t.Fatalf("import %s: %+v %v", name, res, err)
	}
	return imp.ID
}

// queued is a new import waiting for a worker (none runs here): its page
// follows it with the script. A new one for each visit, so that it is not
// yet reported stalled.
func (w *workspace) queued(t *testing.T) roster.Import {
	t.Helper()
	imp, err := roster.Queue(context.Background(), w.App.DB.Gorm, nil, w.breach, roster.Upload{FileName: "waiting.csv"})
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// path fills a page's placeholders.
func (w *workspace) path(t *testing.T, p string) string {
	t.Helper()
	r := strings.NewReplacer("{breach}", strconv.FormatInt(w.breach, 10), "{campaign}", strconv.FormatInt(w.campaign, 10),
		"{import}", strconv.FormatInt(w.imported, 10), "{invitation}", w.invite)
	p = r.Replace(p)
	if strings.Contains(p, "{queued}") {
		p = strings.ReplaceAll(p, "{queued}", strconv.FormatInt(w.queued(t).ID, 10))
	}
	return p
}

// enter opens a browser as role in lang: a session of the member of that
// role, who chose lang, or, signed out, the language switcher's cookie.
func (w *workspace) enter(t *testing.T, role, lang string) (context.Context, *consoleProblems) {
	t.Helper()
	ctx := browsertest.NewWithin(t, 10*time.Minute)
	problems := &consoleProblems{}
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatal(err)
	}
	set := func(name, value string) {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: w.HTTP.URL + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	if role == wsAnonymous {
		set("breachline_lang", lang)
		return ctx, problems
	}
	set("breachline_session", signedIn(t, w.Env, w.emails[role+"/"+lang]).cookie)
	return ctx, problems
}

// visit loads a page (pressing its button when a form leads to it) and
// checks the status it answered and its language.
func (w *workspace) visit(t *testing.T, ctx context.Context, pg workspacePage, lang, label string) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Navigate(w.HTTP.URL+w.path(t, pg.path)))
	if err == nil && pg.press != "" {
		res, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(pg.press)))
	}
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if res.Status != int64(pg.status) || !strings.HasPrefix(res.MimeType, "text/html") {
		t.Fatalf("%s: %d %s, want an HTML %d", label, res.Status, res.MimeType, pg.status)
	}
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if got != lang {
		t.Errorf("%s: the page is in %q", label, got)
	}
}

// TestBrowserEveryPage visits every page of the workspace as every role
// that may see it (and signed out), in English and French, at a phone's
// and a desktop's width, in Chromium: no sideways scrolling, no axe-core
// WCAG 2.1 AA violation, nothing refused by the Content-Security-Policy,
// and a screenshot of each kept. Roles that may not see a page get an HTML
// 403 or 404.
func TestBrowserEveryPage(t *testing.T) {
	browsertest.Require(t)
	w := newWorkspace(t)
	for _, role := range wsEveryone {
		for _, lang := range []string{"en", "fr"} {
			for _, width := range []int64{browsertest.Phone, browsertest.Desktop} {
				t.Run(fmt.Sprintf("%s-%s-%d", role, lang, width), func(t *testing.T) {
					t.Parallel()
					w.everyPage(t, role, lang, width)
				})
			}
		}
	}
}

// everyPage visits, in one browser, every page as role in lang at width.
func (w *workspace) everyPage(t *testing.T, role, lang string, width int64) {
	ctx, problems := w.enter(t, role, lang)
	browsertest.Width(t, ctx, width)
	for _, pg := range workspacePages {
		if !slices.Contains(pg.roles, role) {
			if width == browsertest.Phone {
				w.refused(t, pg, role)
			}
			continue
		}
		label := fmt.Sprintf("every-%s-%s-%s-%d", pg.name, role, lang, width)
		w.visit(t, ctx, pg, lang, label)
		time.Sleep(50 * time.Millisecond) // console events arrive asynchronously
		if p := problems.take(); len(p) > 0 && pg.status < 400 {
			t.Errorf("%s: the browser reported problems: %q", label, p)
		}
		browsertest.Check(t, ctx, label)
		// axe-core's messages to a sandboxed frame (a notice's sample) are
		// refused: the audit's own, not the page's.
		problems.take()
	}
}

// refused checks that a page a role may not see answers an HTML 403 or
// 404 (signed out: the sign-in page).
func (w *workspace) refused(t *testing.T, pg workspacePage, role string) {
	t.Helper()
	if pg.press != "" {
		return
	}
	cookie := ""
	if role != wsAnonymous {
		cookie = signedIn(t, w.Env, w.emails[role+"/en"]).cookie
	}
	res := getPage(t, w.Env, cookie, w.path(t, pg.path))
	switch {
	case role == wsAnonymous && res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/signin"):
	case role != wsAnonymous && pg.roles[0] == wsAnonymous && res.Status == http.StatusOK:
		// A page for signing in or joining also answers a signed-in visitor.
	case (res.Status == http.StatusForbidden || res.Status == http.StatusNotFound) && strings.HasPrefix(res.Type, "text/html"):
	default:
		t.Errorf("%s as %s: %d %s %q, want a refusal", pg.name, role, res.Status, res.Type, res.Location)
	}
}

// TestPageErrorsAreHTMLInTheVisitorsLanguage: in a browser, an unknown
// path, a method a page does not answer, a form too large, a failing
// handler and an unavailable database answer an HTML page with the right
// status in the visitor's language (never JSON, never the internal text);
// under /api/ the same errors stay JSON.
func TestPageErrorsAreHTMLInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t)
	big := strings.NewReader("csrf_token=x&email=" + strings.Repeat("a", 70<<10))
	for _, c := range []struct {
		method, path string
		body         *strings.Reader
		status       int
		title        string
	}{
		{"GET", "/no/such/page", nil, 404, "Page introuvable"},
		{"DELETE", "/deadlines", nil, 405, "Méthode non permise"},
		{"POST", "/signin", big, 413, "Trop volumineux"},
		{"GET", "/test/panic", nil, 500, "Erreur du serveur"},
		{"GET", "/test/unavailable", nil, 503, "Service indisponible"},
	} {
		req, _ := http.NewRequest(c.method, w.HTTP.URL+c.path, nil)
		if c.body != nil {
			req, _ = http.NewRequest(c.method, w.HTTP.URL+c.path, c.body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept-Language", "fr-CA,fr;q=0.9")
		res := sendPage(t, req, "")
		if res.Status != c.status || !strings.HasPrefix(res.Type, "text/html") {
			t.Errorf("%s %s: %d %s, want an HTML %d", c.method, c.path, res.Status, res.Type, c.status)
			continue
		}
		mustContain(t, res.Body, `<html lang="fr">`, "<h1>"+c.title+"</h1>")
		if strings.Contains(res.Body, "handler failed") || strings.Contains(res.Body, "busy storing") {
			t.Errorf("%s: the page shows the internal error", c.path)
		}
	}
	req, _ := http.NewRequest("GET", w.HTTP.URL+"/test/unavailable", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After: %v", err)
	} else {
		_ = res.Body.Close()
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/api/v1/no-such-route", nil, 404},
		{"DELETE", "/api/openapi.yaml", nil, 405},
		{"POST", "/api/v1/breaches", strings.Repeat("x", 2<<20), 413},
	} {
		res := w.Do(c.method, c.path, w.tokens[wsOfficer], c.body)
		if res.Status != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("API %s %s: %d %s, want a JSON %d", c.method, c.path, res.Status, res.Header.Get("Content-Type"), c.status)
		}
	}
}

// TestBrowserShell: in Chromium, the first Tab reaches a visible skip link
// that moves focus to the content; the focus ring is the 3:1 colour; the
// printed page has no header, forms or buttons, and writes out external
// links; and a queued import's page, with no meta refresh, follows the
// import by script to its result.
func TestBrowserShell(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	w := newWorkspace(t)
	ctx, problems := w.enter(t, wsOfficer, "en")
	browsertest.Width(t, ctx, browsertest.Phone)
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/breaches/%d", w.HTTP.URL, w.breach)), chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	skip, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
		return a.className + " " + (r.left >= 0 && r.top >= 0 && r.width > 0) + " " + s.outlineColor + " " + s.outlineWidth; })()`))
	if skip != "skip true rgb(180, 83, 9) 3px" {
		t.Fatalf("first Tab: %q, want the visible skip link with the focus ring", skip)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if at, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`)); at != "#main" {
		t.Fatalf("the skip link went to %q", at)
	}
	// On a phone the obligations come before the facts.
	above, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("duties-h").getBoundingClientRect().top < document.getElementById("facts-h").getBoundingClientRect().top`))
	if !above {
		t.Error("on a phone the facts come before the obligations")
	}

	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	printed, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[".top", "form.upload", "button"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ") +
		" " + (getComputedStyle(document.querySelector('main a[href^="http"]'), "::after").content !== "none")`))
	if printed != "none none none true" {
		t.Errorf("printed: %q, want header, forms and buttons hidden and external addresses written", printed)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	imp := w.queued(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/imports/%d", w.HTTP.URL, imp.ID))); err != nil {
		t.Fatal(err)
	}
	refresh, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('meta[http-equiv="refresh" i]').length`))
	if refresh != 0 {
		t.Fatal("the import page reloads itself with a meta refresh")
	}
	browsertest.Axe(t, ctx, "queued import")
	if _, err := w.App.Roster.Importer.Run(context.Background(), &imp, strings.NewReader("name,email\nLea Park,lea@example.org\n"), roster.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`.status-done`))); err != nil {
		t.Fatalf("the page did not follow the import to its end: %v", err)
	}
	if accepted, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("import-accepted"))); accepted != "1" {
		t.Errorf("accepted: %q", accepted)
	}
	browsertest.Axe(t, ctx, "import done")
	if p := problems.take(); len(p) > 0 {
		t.Errorf("the browser reported problems: %q", p)
	}
}
