package app_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// pageResponse is an HTML page fetched without following redirects.
type pageResponse struct {
	Status   int
	Body     string
	Location string
	Type     string
}

// pageSession is a signed-in browser: its session cookie and CSRF token.
type pageSession struct{ cookie, csrf string }

func signedIn(t *testing.T, e *apptest.Env, email string) pageSession {
	t.Helper()
	ctx := context.Background()
	u, err := e.App.Auth.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf, err := e.App.Auth.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return pageSession{cookie: cookie, csrf: csrf}
}

// getPage GETs a path with a session cookie ("" for none).
func getPage(t *testing.T, e *apptest.Env, cookie, path string) pageResponse {
	t.Helper()
	req, err := http.NewRequest("GET", e.HTTP.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sendPage(t, req, cookie)
}

// sendPage sends a page request with a session cookie ("" for none)
// without following a redirect.
func sendPage(t *testing.T, req *http.Request, cookie string) pageResponse {
	t.Helper()
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "breachline_session", Value: cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return pageResponse{Status: res.StatusCode, Body: string(raw), Location: res.Header.Get("Location"), Type: res.Header.Get("Content-Type")}
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// TestBreachPageShowsDuties: the page a reminder links to shows the
// duty's citation and its due time in the zone the deadline runs in, the
// roster counts, the documents with a download that works with the
// session, and the deadlines page links back to it.
func TestBreachPageShowsDuties(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	o := newObligationsEnv(t, e)
	id := o.breach(t, "2025-10-24T10:00:00-04:00", "risk")
	o.people(t, id, "DE", 3)
	var list struct {
		Obligations []struct {
			RuleKey  string `json:"rule_key"`
			Citation string
			DueZone  string `json:"due_zone"`
		}
	}
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), o.po, nil).JSON(t, &list)
	var citation, zone string
	for _, ob := range list.Obligations {
		if ob.RuleKey == "EU-GDPR-SA" {
			citation, zone = ob.Citation, ob.DueZone
		}
	}
	if citation == "" {
		t.Fatalf("no GDPR duty with a citation: %+v", list)
	}
	startWorkers(t, e)
	up := uploadRoster(t, e, o.po, id, "people.csv", "name,email,province\nAlice Martin,alice@example.com,ON\n"+
		"Bob Roy,bob@example.com,QC\nCarol Li,carol@example.com,ON\n")
	var imp importView
	up.JSON(t, &imp)
	if v := waitImport(t, e, o.po, imp.ID); v.Status != "done" {
		t.Fatalf("import: %+v", v)
	}
	doc := generate(t, e, o.po, id, map[string]any{"kind": "summary"}, http.StatusCreated)

	cookie := signedIn(t, e, "po@acme.example").cookie
	res := getPage(t, e, cookie, fmt.Sprintf("/breaches/%d", id))
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Type, "text/html") {
		t.Fatalf("breach page: %d %s", res.Status, res.Type)
	}
	mustContain(t, res.Body, "Exposed bucket", "EU-GDPR-SA", html.EscapeString(citation),
		"2025-10-27 10:00 EDT", zone, `title="2025-10-27 14:00 UTC"`, "Gaps in the facts",
		`<th scope="row">CA-ON</th><td class="num">2</td>`, fmt.Sprintf(`href="/api/v1/documents/%d/pdf"`, doc.ID))

	dl := getPage(t, e, cookie, fmt.Sprintf("/api/v1/documents/%d/pdf", doc.ID))
	if dl.Status != http.StatusOK || dl.Type != "application/pdf" {
		t.Fatalf("download with the session: %d %s", dl.Status, dl.Type)
	}
	deadlines := getPage(t, e, cookie, "/deadlines")
	if deadlines.Status != http.StatusOK {
		t.Fatalf("deadlines: %d", deadlines.Status)
	}
	mustContain(t, deadlines.Body, fmt.Sprintf(`<a href="/breaches/%d">`, id), "Org acme", "2025-10-27 10:00 EDT",
		`class="flag flag-overdue">overdue`, `class="flag flag-target">target passed`)
	mustContain(t, getPage(t, e, cookie, "/breaches").Body, fmt.Sprintf(`<a href="/breaches/%d">`, id))

	// Unanswered, the GDPR duty is undetermined and its question is a gap.
	open := o.breach(t, "2025-10-24T10:00:00-04:00", "")
	o.people(t, open, "FR", 2)
	var question string
	for _, q := range e.App.Obligations.Questions() {
		if q.ID == "gdpr_risk" {
			question = q.Text
		}
	}
	body := getPage(t, e, cookie, fmt.Sprintf("/breaches/%d", open)).Body
	mustContain(t, body, "<caption>Undetermined: answers needed (", "<strong>"+html.EscapeString(question)+"</strong>",
		"<code>EU-GDPR-SA</code>")
}

// TestBreachPageIsScopedToTheOrganization: another organization's breach,
// a missing one and a malformed id are all the same 404 page.
func TestBreachPageIsScopedToTheOrganization(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newObligationsEnv(t, e)
		id := o.breach(t, "2025-10-24T10:00:00-04:00", "")
		outsider := signedIn(t, e, "po@other.example").cookie
		for _, path := range []string{fmt.Sprintf("/breaches/%d", id), "/breaches/999999", "/breaches/abc"} {
			res := getPage(t, e, outsider, path)
			if res.Status != http.StatusNotFound || !strings.HasPrefix(res.Type, "text/html") {
				t.Fatalf("%s for an outsider: %d %s", path, res.Status, res.Type)
			}
			if strings.Contains(res.Body, "Exposed bucket") || !strings.Contains(res.Body, "<h1>Not found</h1>") {
				t.Fatalf("%s: the 404 page shows the wrong thing:\n%s", path, res.Body)
			}
		}
		if res := getPage(t, e, outsider, "/deadlines"); res.Status != http.StatusOK || strings.Contains(res.Body, "Exposed bucket") {
			t.Fatalf("outsider's deadlines: %d, shows acme's breach: %v", res.Status, strings.Contains(res.Body, "Exposed bucket"))
		}
	})
}

// TestPagesNeedASession: without a session the pages send the browser to
// sign in, which then returns it to the page it asked for, and only to a
// page of this site.
func TestPagesNeedASession(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	want := map[string]string{"/breaches/1": "/signin?next=%2Fbreaches%2F1", "/deadlines": "/signin?next=%2Fdeadlines", "/breaches": "/signin"}
	for path, to := range want {
		for _, cookie := range []string{"", "forged-session"} {
			res := getPage(t, e, cookie, path)
			if res.Status != http.StatusSeeOther || res.Location != to {
				t.Fatalf("%s with cookie %q: %d to %q", path, cookie, res.Status, res.Location)
			}
		}
	}
	e.User("po@acme.example", e.Org("acme"), auth.RolePrivacyOfficer)
	form := getPage(t, e, "", "/signin?next=%2Fbreaches%2F1")
	mustContain(t, form.Body, `<input type="hidden" name="next" value="/breaches/1">`)
	for next, dest := range map[string]string{"/breaches/1": "/breaches/1", "//evil.example/x": "/breaches",
		"https://evil.example": "/breaches", "/\\evil.example": "/breaches", "": "/breaches"} {
		if got := signInForm(t, e, next); got != dest {
			t.Errorf("sign-in with next %q went to %q, want %q", next, got, dest)
		}
	}
}

// signInForm posts the sign-in form as a browser does (double-submit CSRF
// cookie) and returns where it redirects.
func signInForm(t *testing.T, e *apptest.Env, next string) string {
	t.Helper()
	form := url.Values{"csrf_token": {"pre-session-token"}, "email": {"po@acme.example"},
		"password": {"correct horse battery"}, "next": {next}}
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "breachline_csrf", Value: "pre-session-token"})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

// TestBreachPageEscapesText: what people typed is shown as text.
func TestBreachPageEscapesText(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, db.SQLite)
	o := newObligationsEnv(t, e)
	hostile := `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	res := e.Do("POST", "/api/v1/breaches", o.po, map[string]any{"organization": "acme", "title": "T " + hostile,
		"description": "D " + hostile, "cause": "C " + hostile,
		"events": []map[string]string{{"kind": "aware", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto", "note": "N " + hostile}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var b struct{ ID int64 }
	res.JSON(t, &b)
	cookie := signedIn(t, e, "po@acme.example").cookie
	for _, path := range []string{fmt.Sprintf("/breaches/%d", b.ID), "/deadlines", "/breaches"} {
		body := getPage(t, e, cookie, path).Body
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Fatalf("%s shows markup from the breach", path)
		}
	}
	body := getPage(t, e, cookie, fmt.Sprintf("/breaches/%d", b.ID)).Body
	for _, prefix := range []string{"T ", "D ", "C ", "N "} {
		mustContain(t, body, prefix+"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&#34;&#39;&amp;")
	}
}

// consoleProblems collects what the browser reports as wrong with a page:
// uncaught exceptions, console errors and error or warning log entries
// (where Chromium reports Content-Security-Policy violations).
type consoleProblems struct {
	mu   sync.Mutex
	list []string
}

func (c *consoleProblems) listen(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		c.list = append(c.list, "exception: "+e.ExceptionDetails.Text)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			c.list = append(c.list, "console.error")
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
			c.list = append(c.list, string(e.Entry.Source)+": "+e.Entry.Text+" "+e.Entry.URL)
		}
	}
}

func (c *consoleProblems) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.list
	c.list = nil
	return out
}

// screenshot saves the page to $BREACHLINE_SCREENSHOTS/name when set.
// browserSignedIn opens Chromium, listens for console problems and signs
// the user in through the sign-in form.
func browserSignedIn(t *testing.T, e *apptest.Env, email string) (context.Context, *consoleProblems) {
	t.Helper()
	ctx := browsertest.New(t)
	problems := &consoleProblems{}
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/signin"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	return ctx, problems
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("BREACHLINE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(dir+"/"+name, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserDeadlinesToBreach walks from the deadlines page to a breach
// in Chromium, as a privacy officer following a reminder does, and checks
// the pages run under the Content-Security-Policy without complaint.
func TestBrowserDeadlinesToBreach(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	o := newObligationsEnv(t, e)
	id := o.breach(t, "2025-10-24T10:00:00-04:00", "risk")
	o.people(t, id, "DE", 3)
	startWorkers(t, e)
	up := uploadRoster(t, e, o.po, id, "people.csv", "name,email,province\nAlice Martin,alice@example.com,ON\nBob Roy,bob@example.com,QC\n")
	var imp importView
	up.JSON(t, &imp)
	waitImport(t, e, o.po, imp.ID)
	generate(t, e, o.po, id, map[string]any{"kind": "summary"}, http.StatusCreated)

	ctx, problems := browserSignedIn(t, e, "po@acme.example")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/deadlines"]`))); err != nil {
		t.Fatalf("deadlines link: %v", err)
	}
	screenshot(t, ctx, "deadlines.png")
	link := fmt.Sprintf(`table.deadlines a[href="/breaches/%d"]`, id)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(link))); err != nil {
		t.Fatalf("breach link: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, fmt.Sprintf("/breaches/%d", id)) {
		t.Fatalf("followed the link to %s", loc)
	}
	caption, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.duties caption")))
	if err != nil || !strings.HasPrefix(caption, "Required (") {
		t.Fatalf("obligations table: %q %v", caption, err)
	}
	rules, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("table.duties code")).map(c => c.textContent).join(" ")`))
	if !strings.Contains(rules, "EU-GDPR-SA") {
		t.Fatalf("the GDPR duty is not listed: %s", rules)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("tr.explain summary"))); err != nil {
		t.Fatal(err)
	}
	open, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("tr.explain details").open`))
	if !open {
		t.Fatal("the explanation does not expand")
	}
	screenshot(t, ctx, "breach.png")
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("the browser reported problems: %q", p)
	}
	// The listener does see a policy violation: an inline style is refused.
	err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.head.appendChild(document.createElement("style")).textContent = "body{color:red}"`))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if p := problems.take(); len(p) == 0 || !strings.Contains(strings.Join(p, " "), "Content Security Policy") {
		t.Fatalf("an inline style went unreported: %q", p)
	}
}

// TestPagesAnswerErrorsAsPages: an unknown page, a method a page does not
// answer and another organization's breach answer HTML with the right
// status; the API answers the same errors as JSON.
func TestPagesAnswerErrorsAsPages(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	org := e.Org("acme")
	e.User("po@acme.example", org, auth.RolePrivacyOfficer)
	s := signedIn(t, e, "po@acme.example")
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/no/such/page", 404}, {"GET", "/breaches/999999", 404}, {"DELETE", "/deadlines", 405}} {
		req, _ := http.NewRequest(c.method, e.HTTP.URL+c.path, nil)
		res := sendPage(t, req, s.cookie)
		if res.Status != c.status || !strings.HasPrefix(res.Type, "text/html") || !strings.Contains(res.Body, "<!doctype html>") {
			t.Errorf("%s %s: %d %s", c.method, c.path, res.Status, res.Type)
		}
	}
	res := e.Do("GET", "/api/v1/no-such-route", "", nil)
	if res.Status != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("API 404: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
}
