package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// browserRun is one person's browser in the end-to-end test.
type browserRun struct {
	t        *testing.T
	e        *apptest.Env
	ctx      context.Context
	problems *consoleProblems
	role     string
	token    string
}

func openBrowser(t *testing.T, e *apptest.Env, email, role, token string) *browserRun {
	t.Helper()
	ctx, problems := browserSignedIn(t, e, email)
	return &browserRun{t: t, e: e, ctx: ctx, problems: problems, role: role, token: token}
}

// visit loads a page of the site.
func (b *browserRun) visit(path string) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.e.HTTP.URL+path))
	if err != nil {
		b.t.Fatalf("%s: %v", path, err)
	}
	if res.Status != http.StatusOK {
		b.t.Fatalf("%s: %d", path, res.Status)
	}
}

// submit clicks a form's button and waits for the page it leads to.
func (b *browserRun) submit(what, sel string) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s (%s): %v", what, sel, err)
	}
	if res.Status != http.StatusOK {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s: %d at %s", what, res.Status, loc)
	}
}

// do runs browser actions, failing the test on error.
func (b *browserRun) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text is the text of the first element sel matches.
func (b *browserRun) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// checkPages checks each page at the phone and desktop widths, in English
// and in French (the user's language set through the API), and returns the
// user to English.
func checkPages(t *testing.T, e *apptest.Env, email, role, token string, pages map[string]string) {
	t.Helper()
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, lang := range []string{"en", "fr"} {
		if res := e.Do("PATCH", "/api/v1/me", token, map[string]string{"language": lang}); res.Status != http.StatusOK {
			t.Fatalf("language %s: %d", lang, res.Status)
		}
		// A few pages per browser: a test's browser lives a minute at
		// most, and each subtest closes its own when it ends.
		for start := 0; start < len(names); start += 3 {
			chunk := names[start:min(start+3, len(names))]
			t.Run(role+"-"+lang+"-"+strings.Join(chunk, "-"), func(t *testing.T) {
				b := openBrowser(t, e, email, role, token)
				for _, name := range chunk {
					for _, width := range []int64{browsertest.Desktop, browsertest.Phone} {
						browsertest.Width(t, b.ctx, width)
						b.visit(pages[name])
						browsertest.Check(t, b.ctx, fmt.Sprintf("breach-%s-%s-%s-%d", name, role, lang, width))
					}
				}
				if p := b.problems.take(); len(p) > 0 {
					t.Fatalf("the browser reported problems: %q", p)
				}
			})
		}
	}
	if res := e.Do("PATCH", "/api/v1/me", token, map[string]string{"language": "en"}); res.Status != http.StatusOK {
		t.Fatalf("language en: %d", res.Status)
	}
}

var breachPathRe = regexp.MustCompile(`/breaches/(\d+)`)

// TestBrowserRunABreach: in Chromium, a privacy officer opens a breach
// from the intake form, records an event, answers the gaps, imports a
// roster, sees the deadlines, generates the IPC filing and records it
// filed; legal waives a duty with a rationale; a viewer sees no action
// controls and is refused when posting anyway. Every page of the breach is
// checked at both widths for each role, in English and French (no
// sideways scrolling, no axe-core violation, screenshots kept).
func TestBrowserRunABreach(t *testing.T) {
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	acme := e.Org("acme")
	admin := e.User("admin@acme.example", acme, auth.RoleAdmin)
	poTok := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	legalTok := e.User("legal@acme.example", acme, auth.RoleLegal)
	viewerTok := e.User("viewer@acme.example", acme, auth.RoleViewer)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"fippa_institution"},
		"sectors": []string{"public"}, "home_jurisdiction": "CA-ON"}); res.Status != http.StatusOK {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	startWorkers(t, e)

	var id, ind int64
	var bp string
	t.Run("privacy officer", func(t *testing.T) {
		po := openBrowser(t, e, "po@acme.example", "po", poTok)
		id = poOpensBreach(t, po)
		bp = fmt.Sprintf("/breaches/%d", id)
		poRecordsAndAnswers(t, po, bp)
		poImportsRoster(t, po, bp)
		po.visit("/deadlines")
		if deadlines := po.text("main"); !strings.Contains(deadlines, "Information and Privacy Commissioner of Ontario") {
			t.Fatalf("the deadlines do not show the IPC duty: %s", deadlines)
		}
		poFilesWithIPC(t, po, bp)
		if p := po.problems.take(); len(p) > 0 {
			t.Fatalf("the browser reported problems: %q", p)
		}
	})
	if t.Failed() {
		return
	}
	ind = obligationOf(t, e, poTok, id, "ON-FIPPA-IND")
	pages := map[string]string{"breach": bp, "timeline": bp + "/timeline", "questions": bp + "/questions",
		"documents": bp + "/documents?kind=on-ipc-fippa", "obligation": fmt.Sprintf("%s/obligations/%d", bp, ind)}
	edit := map[string]string{"intake": "/breaches/new", "edit": bp + "/edit"}
	for k, v := range pages {
		edit[k] = v
	}
	t.Run("legal", func(t *testing.T) {
		legalWaives(t, openBrowser(t, e, "legal@acme.example", "legal", legalTok), pages["obligation"])
	})
	t.Run("viewer", func(t *testing.T) {
		viewerIsRefused(t, openBrowser(t, e, "viewer@acme.example", "viewer", viewerTok), bp, pages)
	})
	checkPages(t, e, "po@acme.example", "po", poTok, edit)
	checkPages(t, e, "legal@acme.example", "legal", legalTok, pages)
	checkPages(t, e, "viewer@acme.example", "viewer", viewerTok, pages)
}

// poOpensBreach fills the intake form and returns the new breach's id.
func poOpensBreach(t *testing.T, po *browserRun) int64 {
	t.Helper()
	po.visit("/breaches")
	po.submit("new breach link", `a[href="/breaches/new"]`)
	po.do("intake form",
		chromedp.SendKeys(chromedp.ID("title"), "Letters sent to the wrong addresses"),
		chromedp.SendKeys(chromedp.ID("description"), "A mail merge shifted the addresses by one row."),
		chromedp.Click(chromedp.ID("kinds-unauthorized_disclosure")),
		chromedp.Click(chromedp.ID("data_categories-name")),
		chromedp.SendKeys(chromedp.ID("est-region-0"), "CA-ON"),
		chromedp.SendKeys(chromedp.ID("est-people-0"), "250"),
		chromedp.SetValue(chromedp.ID("first-kind"), "determined"),
		chromedp.SetValue(chromedp.ID("first-at"), "2025-10-24T10:00"))
	po.submit("open the breach", `form.breach-form button[type="submit"]`)
	loc, _ := chromedp.Run(po.ctx, chromedp.Location())
	m := breachPathRe.FindStringSubmatch(loc)
	if m == nil || !strings.Contains(loc, "done=created") {
		t.Fatalf("the intake led to %s", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// poRecordsAndAnswers adds an event on the timeline and answers the gap
// the breach page links to.
func poRecordsAndAnswers(t *testing.T, po *browserRun, bp string) {
	t.Helper()
	po.visit(bp + "/timeline")
	po.do("add an event", chromedp.SetValue(chromedp.ID("add-kind"), "aware"),
		chromedp.SetValue(chromedp.ID("add-at"), "2025-10-24T09:00"),
		chromedp.SendKeys(chromedp.ID("add-note"), "Reported by a recipient"))
	po.submit("add the event", `form[action$="/events"] button[type="submit"]`)
	if got := po.text(".notice"); !strings.Contains(got, "recorded") {
		t.Fatalf("no confirmation of the event: %q", got)
	}
	po.visit(bp)
	po.submit("gap link", `ul.gaps a[href$="/questions#q-rrosh"]`)
	po.do("answer rrosh", chromedp.Click(chromedp.CSS(`#q-rrosh input[value="true"]`)),
		chromedp.SendKeys(chromedp.CSS(`#q-rrosh textarea[name="rationale"]`), "Names with addresses reached strangers."))
	po.submit("save the answer", `#q-rrosh button[type="submit"]`)
	if got := po.text("#q-rrosh .answered"); !strings.Contains(got, "Names with addresses reached strangers.") {
		t.Fatalf("the answer is not shown: %q", got)
	}
}

// poImportsRoster uploads a roster with the breach page's form and waits
// for the import to finish.
func poImportsRoster(t *testing.T, po *browserRun, bp string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(path, []byte("name,email,province\nAlice Martin,alice@example.com,ON\nBob Roy,bob@example.com,ON\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	po.visit(bp)
	po.do("choose the roster", chromedp.SetUploadFiles(chromedp.ID("roster-file"), []string{path}))
	po.submit("upload", `form.upload button[type="submit"]`)
	po.do("import done", chromedp.WaitVisible(chromedp.CSS(`#import-status.status-done`)))
}

// poFilesWithIPC generates the IPC filing from the documents page and
// records it filed, which marks the duty filed.
func poFilesWithIPC(t *testing.T, po *browserRun, bp string) {
	t.Helper()
	po.visit(bp)
	po.submit("documents link", `nav.breach-actions a[href$="/documents"]`)
	po.do("choose the IPC filing", chromedp.SetValue(chromedp.ID("kind"), "on-ipc-fippa"))
	po.submit("show what is missing", `form.filter button[type="submit"]`)
	if missing := po.text("main"); !strings.Contains(missing, "Missing content") {
		t.Fatalf("no missing-content list: %s", missing)
	}
	po.submit("generate", `form[action$="/documents"][method="post"] button[type="submit"]`)
	po.do("open the filing form", chromedp.Click(chromedp.CSS(`article.doc details summary`)),
		chromedp.SendKeys(chromedp.CSS(`article.doc input[name="reference"]`), "PR25-01234"))
	po.submit("record the filing", `article.doc form button[type="submit"]`)
	if got := po.text("article.doc"); !strings.Contains(got, "PR25-01234") {
		t.Fatalf("the filing is not shown: %q", got)
	}
	po.submit("the obligation's history", `article.doc a[href*="/obligations/"]`)
	if got := po.text("#history + div, #history ~ div"); !strings.Contains(got, "PR25-01234") {
		t.Fatalf("the obligation's history lacks the filing: %q", got)
	}
}

// legalWaives waives the individuals' duty with a rationale.
func legalWaives(t *testing.T, legal *browserRun, path string) {
	t.Helper()
	legal.visit(path)
	legal.do("waive", chromedp.Click(chromedp.CSS(`input[name="status"][value="waived"]`)),
		chromedp.SendKeys(chromedp.ID("rationale"), "The letters were recovered unopened."))
	legal.submit("record the decision", `form:has(#rationale) button[type="submit"]`)
	if got := legal.text("#history ~ div"); !strings.Contains(got, "The letters were recovered unopened.") {
		t.Fatalf("the waiver is not in the history: %q", got)
	}
}

// viewerIsRefused: no page shows the viewer a form that changes the
// breach, and a post sent anyway with the viewer's own token is refused.
func viewerIsRefused(t *testing.T, viewer *browserRun, bp string, pages map[string]string) {
	t.Helper()
	for name, path := range pages {
		viewer.visit(path)
		n, err := chromedp.Run(viewer.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main form[method=post]").length`))
		if err != nil || n != 0 {
			t.Fatalf("%s: a viewer sees %d action forms (%v)", name, n, err)
		}
	}
	viewer.visit(bp)
	status, err := chromedp.Run(viewer.ctx, chromedp.Evaluate[int](`fetch(location.pathname + "/edit", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "title=Taken+over&csrf_token=" + encodeURIComponent(document.querySelector(".signout input[name=csrf_token]").value)}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Fatalf("a viewer's post: %d %v", status, err)
	}
	viewer.problems.take() // the refused request is reported as a failed load
}

// obligationOf is the id of a breach's obligation with the rule key.
func obligationOf(t *testing.T, e *apptest.Env, tok string, breachID int64, key string) int64 {
	t.Helper()
	var list struct {
		Obligations []struct {
			ID      int64
			RuleKey string `json:"rule_key"`
		}
	}
	e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", breachID), tok, nil).JSON(t, &list)
	for _, o := range list.Obligations {
		if o.RuleKey == key {
			return o.ID
		}
	}
	t.Fatalf("no obligation %s", key)
	return 0
}
