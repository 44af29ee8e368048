package app_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/app/browsertest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
)

// formPart is one part of a form upload, in the order it is sent.
type formPart struct{ name, file, value string }

// postForm sends the breach page's upload form with the parts in order and
// does not follow the redirect.
func postForm(t *testing.T, e *apptest.Env, s pageSession, breachID int64, parts ...formPart) pageResponse {
	t.Helper()
	return postParts(t, s, fmt.Sprintf("%s/breaches/%d/imports", e.HTTP.URL, breachID), parts...)
}

// postParts sends a multipart form with the parts in order to url, with
// the session's cookie, and does not follow a redirect.
func postParts(t *testing.T, s pageSession, url string, parts ...formPart) pageResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.file != "" {
			w, err = mw.CreateFormFile(p.name, p.file)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.value)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return sendPage(t, req, s.cookie)
}

// uploadsLeft counts the files waiting in the upload directory.
func uploadsLeft(t *testing.T, e *apptest.Env) int {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(e.App.Cfg.DataDir, "uploads", "*"))
	return len(found)
}

const pageRoster = "name,email,province\nAlice Martin,alice@example.com,ON\nBob Roy,bob@example.com,QC\nBad Row,not-an-email,ON\n"

// A privacy officer uploads the roster from the breach page: the form's
// token is checked before the file is stored, only writers see and may use
// the form, and the import page follows the import to its result.
func TestRosterUploadForm(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		acme, other := e.Org("acme"), e.Org("other")
		poTok := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
		e.User("viewer@acme.example", acme, auth.RoleViewer)
		e.User("po@other.example", other, auth.RolePrivacyOfficer)
		var b struct{ ID int64 }
		e.Do("POST", "/api/v1/breaches", poTok, newBreach).JSON(t, &b)
		po, viewer, outsider := signedIn(t, e, "po@acme.example"), signedIn(t, e, "viewer@acme.example"), signedIn(t, e, "po@other.example")
		file := formPart{name: "file", file: `<img src=x onerror=alert(1)>.csv`, value: pageRoster}
		token := func(s pageSession) formPart { return formPart{name: "csrf_token", value: s.csrf} }

		page := getPage(t, e, po.cookie, fmt.Sprintf("/breaches/%d", b.ID))
		mustContain(t, page.Body, fmt.Sprintf(`action="/breaches/%d/imports"`, b.ID), "No imports yet.")
		if page := getPage(t, e, viewer.cookie, fmt.Sprintf("/breaches/%d", b.ID)); strings.Contains(page.Body, `enctype="multipart/form-data"`) {
			t.Fatal("a viewer is offered the upload form")
		}

		for name, tc := range map[string]struct {
			s     pageSession
			parts []formPart
			want  int
		}{
			"no token":           {po, []formPart{file}, http.StatusForbidden},
			"wrong token":        {po, []formPart{token(viewer), file}, http.StatusForbidden},
			"token after file":   {po, []formPart{file, token(po)}, http.StatusForbidden},
			"viewer":             {viewer, []formPart{token(viewer), file}, http.StatusForbidden},
			"other organization": {outsider, []formPart{token(outsider), file}, http.StatusNotFound},
			"no file":            {po, []formPart{token(po)}, http.StatusBadRequest},
		} {
			res := postForm(t, e, tc.s, b.ID, tc.parts...)
			if res.Status != tc.want || !strings.HasPrefix(res.Type, "text/html") {
				t.Errorf("%s: %d %s, want an HTML %d", name, res.Status, res.Type, tc.want)
			}
		}
		if n := uploadsLeft(t, e); n != 0 {
			t.Fatalf("%d uploaded files kept from refused requests", n)
		}

		res := postForm(t, e, po, b.ID, token(po), file, formPart{name: "date_order", value: "DMY"})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/imports/") {
			t.Fatalf("upload: %d %q %s", res.Status, res.Location, res.Body)
		}
		queued := getPage(t, e, po.cookie, res.Location)
		// The script follows a queued import through the API (no meta
		// refresh); without it, a Refresh link does.
		mustContain(t, queued.Body, `data-import-url="/api/v1`+res.Location+`"`, `data-status="queued"`, " data-live>",
			`role="status" id="import-live"`, `<a href="`+res.Location+`">Refresh</a>`, "queued", "&lt;img src=x onerror=alert(1)&gt;.csv")
		if strings.Contains(queued.Body, "<img src=x") || strings.Contains(queued.Body, `http-equiv="refresh"`) {
			t.Fatal("the file name is not escaped, or the page reloads itself")
		}
		if got := getPage(t, e, outsider.cookie, res.Location); got.Status != http.StatusNotFound {
			t.Fatalf("another organization's import page: %d", got.Status)
		}

		startWorkers(t, e)
		var id int64
		fmt.Sscanf(res.Location, "/imports/%d", &id)
		waitImport(t, e, poTok, id)
		done := getPage(t, e, po.cookie, res.Location)
		if strings.Contains(done.Body, `http-equiv="refresh"`) || strings.Contains(done.Body, "data-live") {
			t.Fatal("a finished import's page is still followed")
		}
		mustContain(t, done.Body, `id="import-status">done<`, `id="import-accepted">2<`, `id="import-rejected">1<`,
			fmt.Sprintf(`href="/api/v1/imports/%d/rejects.csv"`, id))
		page = getPage(t, e, po.cookie, fmt.Sprintf("/breaches/%d", b.ID))
		mustContain(t, page.Body, fmt.Sprintf(`href="/imports/%d"`, id), "2 people")

		again := postForm(t, e, po, b.ID, token(po), file)
		if again.Status != http.StatusConflict || !strings.Contains(again.Body, "already been imported") {
			t.Fatalf("same file again: %d %s", again.Status, again.Body)
		}
		if n := uploadsLeft(t, e); n != 0 {
			t.Fatalf("%d uploaded files left after the import and the refusal", n)
		}
	})
}

// The same path in Chromium: choose a file on the breach page, import it,
// and watch the import page's script follow it to the result.
func TestBrowserRosterUpload(t *testing.T) {
	t.Parallel()
	browsertest.Require(t)
	e := apptest.New(t, db.SQLite)
	acme := e.Org("acme")
	tok := e.User("po@acme.example", acme, auth.RolePrivacyOfficer)
	var b struct{ ID int64 }
	e.Do("POST", "/api/v1/breaches", tok, newBreach).JSON(t, &b)
	startWorkers(t, e)
	path := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(path, []byte(pageRoster), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, problems := browserSignedIn(t, e, "po@acme.example")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/breaches/%d", e.HTTP.URL, b.ID)),
		chromedp.SetUploadFiles(chromedp.ID("roster-file"), []string{path})); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "breach-upload.png")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.upload button[type="submit"]`))); err != nil {
		t.Fatalf("submit: %v", err)
	}
	// The page's script follows the import until it is done.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`a[href$="/rejects.csv"]`))); err != nil {
		t.Fatalf("the import page never showed the result: %v", err)
	}
	status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("import-status")))
	accepted, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("import-accepted")))
	if status != "done" || accepted != "2" {
		t.Fatalf("import page: status %q accepted %q", status, accepted)
	}
	screenshot(t, ctx, "import.png")
	if p := problems.take(); len(p) > 0 {
		t.Fatalf("the browser reported problems: %q", p)
	}
}
