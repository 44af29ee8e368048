package app_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/notice"
)

// postPage posts a page form as a browser does, with the session's token
// unless the form sets csrf_token itself, and does not follow a redirect.
func postPage(t *testing.T, n *noticeEnv, s pageSession, path string, form url.Values) pageResponse {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", s.csrf)
	}
	req, _ := http.NewRequest("POST", n.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return sendPage(t, req, s.cookie)
}

// seeOther checks that a form answered with a redirect to a path starting
// with prefix, and returns where.
func seeOther(t *testing.T, what string, res pageResponse, prefix string) string {
	t.Helper()
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, prefix) {
		t.Fatalf("%s: %d to %q, want a redirect to %s…\n%s", what, res.Status, res.Location, prefix, res.Body)
	}
	return res.Location
}

// htmlPage checks a page's status and that it is HTML.
func htmlPage(t *testing.T, what string, res pageResponse, status int) pageResponse {
	t.Helper()
	if res.Status != status || !strings.HasPrefix(res.Type, "text/html") {
		t.Fatalf("%s: %d %s, want an HTML %d\n%s", what, res.Status, res.Type, status, res.Body)
	}
	return res
}

var campaignIDRe = regexp.MustCompile(`^/campaigns/(\d+)`)

// campaignFromPath reads the campaign id of a campaign page's path.
func campaignFromPath(t *testing.T, path string) int64 {
	t.Helper()
	m := campaignIDRe.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("not a campaign page: %q", path)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// contentForm is the campaign page's text form filled with the texts the
// API tests use.
func contentForm() url.Values {
	f := url.Values{"name": {"First notice"}}
	for lang, fields := range campaignContent() {
		for k, v := range fields {
			f.Set("content."+lang+"."+k, v)
		}
	}
	return f
}

var hashRe = regexp.MustCompile(`name="content_hash" value="([0-9a-f]{64})"`)

// approvalHash reads the content hash the approve form carries.
func approvalHash(t *testing.T, body string) string {
	t.Helper()
	m := hashRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no approve form on the page")
	}
	return m[1]
}

// principal is a user as the services see them.
func principal(t *testing.T, n *noticeEnv, email string) *auth.Principal {
	t.Helper()
	u, err := n.App.Auth.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.App.Auth.Principal(t.Context(), u, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCampaignPagesCreateEditApprove: a privacy officer starts a campaign
// from the breach page with the audience counted first, writes its texts
// in the page's form, and legal approves the exact version they reviewed;
// an approval of a version that changed meanwhile is refused and says so,
// and an edit after approval voids it. Roles see only their controls and
// the server refuses the rest.
func TestCampaignPagesCreateEditApprove(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { campaignPagesCreate(t, d) })
	}
}

func campaignPagesCreate(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	po, legal, viewer := signedIn(t, n.Env, "po@acme.example"), signedIn(t, n.Env, "legal@acme.example"), signedIn(t, n.Env, "viewer@acme.example")
	campaigns := fmt.Sprintf("/breaches/%d/campaigns", n.breach)

	breachPage := htmlPage(t, "breach page", getPage(t, n.Env, po.cookie, fmt.Sprintf("/breaches/%d", n.breach)), 200)
	mustContain(t, breachPage.Body, `id="notices-h"`, `href="`+campaigns+`"`, "No notice has been prepared")

	page := htmlPage(t, "campaigns page", getPage(t, n.Env, po.cookie, campaigns), 200)
	mustContain(t, page.Body, `action="`+campaigns+`#new-h"`, `name="template_set"`, `value="general" selected`,
		"This audience: 10 people", `name="region" value="CA-QC"`, `name="channel" value="postal"`)
	if strings.Contains(getPage(t, n.Env, viewer.cookie, campaigns).Body, `name="template_set"`) {
		t.Fatal("a viewer is offered the new campaign form")
	}
	// The filters count the audience before anything is created, in a GET
	// or with the form's count button.
	mustContain(t, getPage(t, n.Env, po.cookie, campaigns+"?region=CA-QC").Body, "This audience: 1 person", `value="CA-QC" checked`)
	counted := htmlPage(t, "count", postPage(t, n, po, campaigns, url.Values{"do": {"count"}, "channel": {"email"}, "name": {"Draft"}}), 200)
	mustContain(t, counted.Body, "This audience: 8 people", `value="Draft"`, `name="channel" value="email" checked`)
	if list, _ := n.App.Notices.Campaigns(t.Context(), principal(t, n, "po@acme.example"), n.breach); len(list) != 0 {
		t.Fatalf("counting created %d campaigns", len(list))
	}

	htmlPage(t, "create without the form token", postPage(t, n, po, campaigns, url.Values{"csrf_token": {"forged"}, "name": {"X"}}), 403)
	htmlPage(t, "a viewer creates", postPage(t, n, viewer, campaigns, url.Values{"name": {"X"}, "template_set": {"general"}, "default_language": {"en"}}), 403)
	bad := htmlPage(t, "create without a name", postPage(t, n, po, campaigns, url.Values{"name": {" "}, "template_set": {"general"}, "default_language": {"en"}}), 400)
	mustContain(t, bad.Body, `role="alert"`, "<code>name</code>")

	duty := n.obligationID(t, "CA-PIPEDA-IND")
	loc := seeOther(t, "create", postPage(t, n, po, campaigns, url.Values{"name": {"First notice"}, "template_set": {"general"},
		"default_language": {"en"}, "obligation_id": {strconv.FormatInt(duty, 10)}}), "/campaigns/")
	id := campaignFromPath(t, loc)
	path := fmt.Sprintf("/campaigns/%d", id)

	// Without the French texts, French readers would get blanks: the review
	// names the fields and how many people lack them, and nobody may approve.
	draft := htmlPage(t, "new campaign", getPage(t, n.Env, po.cookie, loc), 200)
	mustContain(t, draft.Body, "The campaign is created as a draft", `id="content-fr-what_happened"`, "<code>{{what_happened}}</code>",
		"Not ready", "<code>CA-PIPEDA-IND</code>", `class="sample-html" src="`+path+`/samples/`, `sandbox=""`, ".eml", "Waiting for legal approval")
	if strings.Contains(draft.Body, `name="content_hash"`) {
		t.Fatal("a privacy officer is offered the approve form")
	}
	legalDraft := getPage(t, n.Env, legal.cookie, path).Body
	mustContain(t, legalDraft, "cannot be approved yet")
	if strings.Contains(legalDraft, `name="content_hash"`) || strings.Contains(legalDraft, `action="`+path+`"`) {
		t.Fatal("legal may approve an incomplete notice, or edit it")
	}

	saved := getPage(t, n.Env, po.cookie, seeOther(t, "save the texts", postPage(t, n, po, path, contentForm()), path+"?done=saved")).Body
	mustContain(t, saved, "The texts are saved.", "Ready for approval.", html.EscapeString("Méfiez-vous des courriels"))

	// Legal reviews; meanwhile the privacy officer changes a text: the
	// version legal saw is no longer the campaign, and nothing is approved.
	reviewed := getPage(t, n.Env, legal.cookie, path).Body
	hash := approvalHash(t, reviewed)
	htmlPage(t, "a privacy officer approves", postPage(t, n, po, path+"/approve", url.Values{"content_hash": {hash}}), 403)
	edit := contentForm()
	edit.Set("content.en.what_you_can_do", "Watch for e-mails that ask for personal information.")
	seeOther(t, "edit", postPage(t, n, po, path, edit), path+"?done=saved")
	refused := htmlPage(t, "approve a changed version", postPage(t, n, legal, path+"/approve", url.Values{"content_hash": {hash}}), 409)
	mustContain(t, refused.Body, `role="alert"`, "Nothing was approved: the campaign or its template changed after you reviewed it")
	if cp, _ := n.App.Notices.Campaign(t.Context(), principal(t, n, "po@acme.example"), id); cp.Status != notice.CampaignDraft {
		t.Fatalf("a changed version was approved: %s", cp.Status)
	}
	done := seeOther(t, "approve", postPage(t, n, legal, path+"/approve", url.Values{"content_hash": {approvalHash(t, refused.Body)}}), path+"?done=approved")
	approved := getPage(t, n.Env, po.cookie, done).Body
	mustContain(t, approved, "Approved. This exact version may now be sent.", `action="`+path+`/send"`, "legal@acme.example",
		"Saving a change to what people read voids the approval")

	// An edit of what people read voids the approval, and the page says so.
	edit.Set("content.en.what_you_can_do", "Be careful with e-mails that ask for personal information.")
	voided := seeOther(t, "edit after approval", postPage(t, n, po, path, edit), path+"?done=voided")
	mustContain(t, getPage(t, n.Env, po.cookie, voided).Body, "its approval is void", "void: the campaign changed after it was approved")

	// The sample's HTML is served for the sandboxed frame only; its .eml
	// downloads with the session.
	m := regexp.MustCompile(`src="(/campaigns/\d+/samples/\d+)"`).FindStringSubmatch(approved)
	if m == nil {
		t.Fatal("no sample frame")
	}
	req, _ := http.NewRequest("GET", n.HTTP.URL+m[1], nil)
	req.AddCookie(&http.Cookie{Name: "breachline_session", Value: po.cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if res.StatusCode != 200 || !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "frame-ancestors 'self'") ||
		res.Header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(string(body), "<html lang=") {
		t.Fatalf("sample HTML: %d %q %q", res.StatusCode, csp, res.Header.Get("X-Frame-Options"))
	}
	htmlPage(t, "a viewer's sample", getPage(t, n.Env, viewer.cookie, m[1]), 403)
	eml := regexp.MustCompile(`href="(/api/v1/campaigns/\d+/preview/\d+\.eml)"`).FindStringSubmatch(approved)
	if eml == nil {
		t.Fatal("no .eml link")
	}
	if dl := getPage(t, n.Env, po.cookie, eml[1]); dl.Status != 200 || dl.Type != "message/rfc822" {
		t.Fatalf(".eml with the session: %d %s", dl.Status, dl.Type)
	}

	// A viewer sees the campaign and its state, no control and no review.
	seen := htmlPage(t, "viewer's campaign page", getPage(t, n.Env, viewer.cookie, path), 200).Body
	mustContain(t, seen, "First notice", "Texts of the notice")
	for _, control := range []string{`name="content_hash"`, `/send"`, `/cancel"`, `<textarea`, `id="review-h"`} {
		if strings.Contains(seen, control) {
			t.Errorf("a viewer's campaign page has %s", control)
		}
	}
	// Cancel needs its box ticked.
	unconfirmed := htmlPage(t, "cancel unconfirmed", postPage(t, n, po, path+"/cancel", nil), 400)
	mustContain(t, unconfirmed.Body, "Nothing was cancelled")
	seeOther(t, "cancel", postPage(t, n, po, path+"/cancel", url.Values{"confirm": {"yes"}}), path+"?done=cancelled")
	mustContain(t, getPage(t, n.Env, po.cookie, path).Body, `class="status status-cancelled" data-campaign-status>cancelled<`)
}

// TestCampaignPagesSendAndDeliveries: the approved campaign is sent,
// paused with a reason and resumed from its page; its progress shows the
// counts by state for the script to update (with a plain Refresh link and
// no meta refresh); the failed e-mail is retried from the page; the ledger
// page lists each person's state with search, state filter, keyset paging
// and the CSV link, to those with the export permission only.
func TestCampaignPagesSendAndDeliveries(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { campaignPagesSend(t, d) })
	}
}

func campaignPagesSend(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	po, legal, viewer := signedIn(t, n.Env, "po@acme.example"), signedIn(t, n.Env, "legal@acme.example"), signedIn(t, n.Env, "viewer@acme.example")
	id := n.createCampaign(t)
	n.approve(t, id)
	path := fmt.Sprintf("/campaigns/%d", id)
	htmlPage(t, "a viewer sends", postPage(t, n, viewer, path+"/send", nil), 403)
	htmlPage(t, "legal sends", postPage(t, n, legal, path+"/send", nil), 403)
	sent := getPage(t, n.Env, po.cookie, seeOther(t, "send", postPage(t, n, po, path+"/send", nil), path+"?done=sent")).Body
	mustContain(t, sent, "Sending has started.", `data-progress-url="/api/v1/campaigns/`+strconv.FormatInt(id, 10)+`/progress"`, "data-live",
		`aria-live="polite"`, `href="`+path+`#progress">Refresh</a>`, `action="`+path+`/pause"`)
	if strings.Contains(sent, `http-equiv="refresh"`) {
		t.Fatal("the campaign page reloads itself")
	}
	paused := getPage(t, n.Env, po.cookie, seeOther(t, "pause", postPage(t, n, po, path+"/pause", url.Values{"reason": {"Checking the relay"}}), path+"?done=paused")).Body
	mustContain(t, paused, `status-paused" data-campaign-status>paused<`, "Checking the relay", `action="`+path+`/resume"`)
	htmlPage(t, "pause a paused campaign", postPage(t, n, po, path+"/pause", nil), 409)
	seeOther(t, "resume", postPage(t, n, po, path+"/resume", nil), path+"?done=resumed")

	n.smtp.Refuse("refused@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	n.smtp.Refuse("gone@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
	n.runUntil(t, "sending", func() bool {
		p := n.progress(t, id)
		return p.ByStatus[notice.Sent] == 6 && p.ByStatus[notice.Failed] == 1
	})
	page := getPage(t, n.Env, po.cookie, path).Body
	mustContain(t, page, `data-count="sent">6<`, `data-count="failed">1<`, `<tr hidden><th scope="row">waiting to be sent</th>`,
		`action="`+path+`/retry-failed"`, `href="`+path+`/deliveries"`)
	n.smtp.Allow("gone@example.org")
	retried := getPage(t, n.Env, po.cookie, seeOther(t, "retry", postPage(t, n, po, path+"/retry-failed", nil), path+"?done=retried")).Body
	mustContain(t, retried, "The failed e-mails are queued again.")
	n.runUntil(t, "the retry", func() bool { return n.progress(t, id).ByStatus[notice.Sent] == 7 })

	// The ledger: each person's state, the server's answer, search, filter.
	ledger := htmlPage(t, "deliveries", getPage(t, n.Env, po.cookie, path+"/deliveries"), 200).Body
	mustContain(t, ledger, "Ann Lee", "ann@example.org", `data-state="sent"`, `data-state="letter"`, `data-state="undeliverable"`,
		"&lt;script&gt;alert(1)&lt;/script&gt;", `href="/api/v1/campaigns/`+strconv.FormatInt(id, 10)+`/deliveries.csv"`, "sent (7)")
	if strings.Contains(ledger, "<script>alert(1)") {
		t.Fatal("a name from the roster is not escaped")
	}
	found := getPage(t, n.Env, po.cookie, path+"/deliveries?q=ANN%40example").Body
	mustContain(t, found, "ann@example.org", `contains “ANN@example”`)
	if strings.Contains(found, "bo@example.org") {
		t.Fatal("the search shows people it does not match")
	}
	letters := getPage(t, n.Env, po.cookie, path+"/deliveries?status=letter").Body
	mustContain(t, letters, "Eve Hart", "Gia Mott", `href="/api/v1/campaigns/`+strconv.FormatInt(id, 10)+`/deliveries.csv?status=letter"`)
	if strings.Contains(letters, "Ann Lee") {
		t.Fatal("the state filter shows other states")
	}
	// Keyset paging: after the first delivery, the rest.
	first := regexp.MustCompile(`data-delivery="(\d+)"`).FindStringSubmatch(ledger)
	rest := getPage(t, n.Env, po.cookie, path+"/deliveries?after="+first[1]).Body
	if strings.Count(rest, "data-delivery=") != strings.Count(ledger, "data-delivery=")-1 || !strings.Contains(rest, "First page") {
		t.Fatalf("the page after delivery %s has %d rows of %d", first[1], strings.Count(rest, "data-delivery="), strings.Count(ledger, "data-delivery="))
	}
	for name, s := range map[string]pageSession{"viewer": viewer, "legal": legal} {
		res := htmlPage(t, name+"'s ledger", getPage(t, n.Env, s.cookie, path+"/deliveries"), 403)
		if strings.Contains(res.Body, "ann@example.org") {
			t.Fatalf("%s sees contacts", name)
		}
		// Counts, never contacts.
		mine := getPage(t, n.Env, s.cookie, path).Body
		mustContain(t, mine, `data-count="sent">7<`)
		if strings.Contains(mine, "ann@example.org") || strings.Contains(mine, "/deliveries\"") {
			t.Fatalf("%s's campaign page shows contacts or links to them", name)
		}
	}
	htmlPage(t, "an unknown state", getPage(t, n.Env, po.cookie, path+"/deliveries?status=lost"), 400)
}

// postReturned sends the returned-mail form's parts in order.
func postReturned(t *testing.T, n *noticeEnv, s pageSession, path string, parts ...formPart) pageResponse {
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
	req, _ := http.NewRequest("POST", n.HTTP.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return sendPage(t, req, s.cookie)
}

// TestCampaignPagesLettersAndEvidence: from the campaign page, print files
// are asked for, downloaded, recorded printed and mailed with their dates;
// the deadlines page shows the campaign's progress beside its duty; the
// completed campaign records its obligation done; the mail house's list of
// returned letters is uploaded with the form's token first, and the page
// says what it changed and links to the people left without a notice.
func TestCampaignPagesLettersAndEvidence(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { campaignPagesLetters(t, d) })
	}
}

func campaignPagesLetters(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	po, viewer := signedIn(t, n.Env, "po@acme.example"), signedIn(t, n.Env, "viewer@acme.example")
	id := n.createCampaign(t)
	duty := n.obligationID(t, "CA-PIPEDA-IND")
	if res := n.Do("PATCH", fmt.Sprintf("/api/v1/campaigns/%d", id), n.po, map[string]any{"obligation_id": duty}); res.Status != 200 {
		t.Fatalf("link the obligation: %d %s", res.Status, res.Body)
	}
	n.approve(t, id)
	path := fmt.Sprintf("/campaigns/%d", id)
	seeOther(t, "send", postPage(t, n, po, path+"/send", nil), path)
	n.runUntil(t, "e-mails", func() bool {
		p := n.progress(t, id)
		return p.ByStatus[notice.Sent] == 8 && p.ByStatus[notice.Letter] == 1
	})
	deadlines := getPage(t, n.Env, po.cookie, "/deadlines").Body
	mustContain(t, deadlines, `<a href="`+path+`">First notice</a>`, "9 of 10 done (90%)")

	page := getPage(t, n.Env, po.cookie, path).Body
	mustContain(t, page, `id="letters-h"`, "1 letter waits for a print file.", `action="`+path+`/letters"`,
		`id="evidence-h"`, "can be recorded as done once every notice has reached a final state")
	// Without a return address the request is refused on the page.
	noAddress := htmlPage(t, "letters without an address", postPage(t, n, po, path+"/letters", nil), 400)
	mustContain(t, noAddress.Body, `role="alert"`, html.EscapeString("set the organization's postal address first"))
	if res := n.Do("PATCH", "/api/v1/organizations/acme", n.admin, map[string]any{"address": "1 Front St W\nToronto ON  M5J 2X5"}); res.Status != 200 {
		t.Fatalf("address: %d %s", res.Status, res.Body)
	}
	htmlPage(t, "a viewer asks for letters", postPage(t, n, viewer, path+"/letters", nil), 403)
	requested := getPage(t, n.Env, po.cookie, seeOther(t, "letters", postPage(t, n, po, path+"/letters", nil), path+"?done=letters")).Body
	mustContain(t, requested, "Print files are being made.")
	var file int64
	n.runUntil(t, "print files", func() bool {
		l, err := n.App.Notices.LettersOf(t.Context(), principal(t, n, "viewer@acme.example"), id)
		if err != nil || len(l.Batches) != 1 || l.Requested {
			return false
		}
		file = l.Batches[0].ID
		return true
	})
	filePath := fmt.Sprintf("%s/letters/%d", path, file)
	page = getPage(t, n.Env, po.cookie, path).Body
	pdf := fmt.Sprintf("/api/v1/campaigns/%d/letters/%d/pdf", id, file)
	mustContain(t, page, `href="`+pdf+`"`, `/manifest.csv"`, `action="`+filePath+`/printed"`, `type="date" name="at"`)
	if dl := getPage(t, n.Env, po.cookie, pdf); dl.Status != 200 || dl.Type != "application/pdf" {
		t.Fatalf("print file with the session: %d %s", dl.Status, dl.Type)
	}
	seen := getPage(t, n.Env, viewer.cookie, path).Body
	if strings.Contains(seen, pdf) || strings.Contains(seen, filePath+"/printed") {
		t.Fatal("a viewer is offered the letters' addresses or their recording")
	}
	htmlPage(t, "a date that is not one", postPage(t, n, po, filePath+"/printed", url.Values{"at": {"yesterday"}}), 400)
	htmlPage(t, "a future date", postPage(t, n, po, filePath+"/printed", url.Values{"at": {"2999-01-01"}}), 400)
	seeOther(t, "printed", postPage(t, n, po, filePath+"/printed", url.Values{"at": {"2026-11-20"}}), path+"?done=printed")
	seeOther(t, "mailed", postPage(t, n, po, filePath+"/mailed", url.Values{"at": {"2026-11-21"}}), path+"?done=mailed")
	page = getPage(t, n.Env, po.cookie, path).Body
	mustContain(t, page, "2026-11-20", "2026-11-21", `status-completed" data-campaign-status>completed<`, `action="`+path+`/obligation-done"`,
		`<th scope="row">letter mailed</th><td class="num">1</td>`)

	done := getPage(t, n.Env, po.cookie, seeOther(t, "obligation done", postPage(t, n, po, path+"/obligation-done", nil), path+"?done=obligation_done")).Body
	mustContain(t, done, "The obligation is recorded as done.", "campaign "+strconv.FormatInt(id, 10)+" (First notice)")
	if strings.Contains(done, `action="`+path+`/obligation-done"`) {
		t.Fatal("the obligation may be recorded done twice")
	}

	// Returned mail: the token must come first; a file without a usable
	// column is refused on the page; the list marks the letter returned.
	manifest, err := csv.NewReader(bytes.NewReader(n.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/letters/%d/manifest.csv", id, file), n.po, nil).Body)).ReadAll()
	if err != nil || len(manifest) != 2 || manifest[0][3] != "delivery_id" {
		t.Fatalf("manifest: %v %v", manifest, err)
	}
	csvFile := formPart{name: "file", file: "returned.csv", value: "delivery_id,returned_on\n" + manifest[1][3] + ",2026-12-01\n999999,\n"}
	htmlPage(t, "returned without the token", postReturned(t, n, po, path+"/returned", csvFile), 403)
	htmlPage(t, "returned, token after the file", postReturned(t, n, po, path+"/returned", csvFile, formPart{name: "csrf_token", value: po.csrf}), 403)
	htmlPage(t, "a viewer's returned mail", postReturned(t, n, viewer, path+"/returned", formPart{name: "csrf_token", value: viewer.csrf}, csvFile), 403)
	junk := htmlPage(t, "returned junk", postReturned(t, n, po, path+"/returned", formPart{name: "csrf_token", value: po.csrf},
		formPart{name: "file", file: "x.csv", value: "name\nAnn\n"}), 400)
	mustContain(t, junk.Body, `role="alert"`, "the file names no letter")
	ret := htmlPage(t, "returned", postReturned(t, n, po, path+"/returned", formPart{name: "csrf_token", value: po.csrf}, csvFile), 200).Body
	mustContain(t, ret, "1 letter is now recorded as returned.", "2 people of this campaign have no notice now.",
		`href="`+path+`/deliveries?status=unreached"`, "1 row changed nothing", "no letter of this campaign")
	mustContain(t, ret, `id="substitute-h"`, "2 people have no direct notice:", "1 with no e-mail or postal address;",
		"1 whose letter came back.", "Notice of a privacy breach at Org acme", `<pre class="sample-text" lang="fr">`)
	unreached := getPage(t, n.Env, po.cookie, path+"/deliveries?status=unreached").Body
	mustContain(t, unreached, "Gia Mott", "Hal Nye")
}

// TestNoticeTemplatePages: the organization's templates are reached from
// the campaigns page; a shipped set is read-only and is copied to be
// edited; a part that does not parse is refused with its part, line and
// column and the text as typed; roles without write see the copy read-only
// and the server refuses their save.
func TestNoticeTemplatePages(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { templatePages(t, d) })
	}
}

func templatePages(t *testing.T, dialect db.Dialect) {
	n := newNoticeEnv(t, dialect)
	po, viewer := signedIn(t, n.Env, "po@acme.example"), signedIn(t, n.Env, "viewer@acme.example")
	n.User("po@other.example", n.Org("other"), auth.RolePrivacyOfficer)
	outsider := signedIn(t, n.Env, "po@other.example")
	mustContain(t, getPage(t, n.Env, po.cookie, fmt.Sprintf("/breaches/%d/campaigns", n.breach)).Body,
		fmt.Sprintf(`href="/notice-templates/acme?breach=%d"`, n.breach))
	list := htmlPage(t, "templates", getPage(t, n.Env, po.cookie, fmt.Sprintf("/notice-templates/acme?breach=%d", n.breach)), 200).Body
	mustContain(t, list, "No copy yet", `name="from" value="general"`, `href="/notice-templates/acme/general/fr"`,
		fmt.Sprintf(`href="/breaches/%d/campaigns"`, n.breach), "<code>CA-PIPEDA-IND</code>")
	htmlPage(t, "another organization's templates", getPage(t, n.Env, outsider.cookie, "/notice-templates/acme"), 404)
	if strings.Contains(getPage(t, n.Env, viewer.cookie, "/notice-templates/acme").Body, `name="from"`) {
		t.Fatal("a viewer is offered the copy form")
	}

	shipped := htmlPage(t, "a shipped template", getPage(t, n.Env, po.cookie, "/notice-templates/acme/general/en"), 200).Body
	mustContain(t, shipped, "cannot be changed", `id="part-html"`, "readonly", "{{what_happened}}")
	if strings.Contains(shipped, "Save this language") {
		t.Fatal("a shipped template offers to save")
	}
	refused := htmlPage(t, "save a shipped template", postPage(t, n, po, "/notice-templates/acme/general/en",
		url.Values{"subject": {"x"}, "text": {"x"}, "html": {"x"}, "letter": {"x"}}), 409)
	mustContain(t, refused.Body, "the shipped templates cannot be edited")

	htmlPage(t, "a viewer copies", postPage(t, n, viewer, "/notice-templates/acme", url.Values{"from": {"general"}, "name": {"Ours"}}), 403)
	htmlPage(t, "a copy without a name", postPage(t, n, po, "/notice-templates/acme", url.Values{"from": {"general"}, "name": {""}}), 400)
	loc := seeOther(t, "copy", postPage(t, n, po, "/notice-templates/acme", url.Values{"from": {"general"}, "name": {"Our notice"}}),
		"/notice-templates/acme/org:our-notice/en?done=copied")
	edit := htmlPage(t, "the copy", getPage(t, n.Env, po.cookie, loc), 200).Body
	mustContain(t, edit, "The copy is made.", "Save this language", `action="/notice-templates/acme/org:our-notice/en"`)
	set := ""
	for _, s := range mustTemplateSets(t, n) {
		if s.Key == "org:our-notice" {
			set = s.Parts["en"].Text
		}
	}
	form := url.Values{"subject": {"Notice from {{organization}}"}, "text": {set}, "html": {"<p>{{#when}}\r\nunclosed</p>"}, "letter": {"# Notice\n{{salutation}}"}}
	bad := htmlPage(t, "a part that does not parse", postPage(t, n, po, "/notice-templates/acme/org:our-notice/en", form), 400).Body
	mustContain(t, bad, "Nothing was saved", `aria-invalid="true"`, "html, line 2, column 13: section {{#when}} is never closed", html.EscapeString("<p>{{#when}}\nunclosed</p>"))
	form.Set("html", "<!doctype html><html lang=\"en\"><body><p>{{salutation}}</p><p>{{what_happened}}</p></body></html>")
	saved := getPage(t, n.Env, po.cookie, seeOther(t, "save", postPage(t, n, po, "/notice-templates/acme/org:our-notice/en", form),
		"/notice-templates/acme/org:our-notice/en?done=saved")).Body
	mustContain(t, saved, "Saved. Campaigns that use this template need approving again.", "(version 2)")
	mustContain(t, getPage(t, n.Env, po.cookie, "/notice-templates/acme").Body, "Our notice", "copied from", "Edit in French")
	mustContain(t, getPage(t, n.Env, po.cookie, fmt.Sprintf("/breaches/%d/campaigns", n.breach)).Body, `<option value="org:our-notice">Our notice — your copy</option>`)

	ro := getPage(t, n.Env, viewer.cookie, "/notice-templates/acme/org:our-notice/en").Body
	mustContain(t, ro, "Your role can read this template but not change it.", "readonly")
	htmlPage(t, "a viewer saves", postPage(t, n, viewer, "/notice-templates/acme/org:our-notice/en", form), 403)
	htmlPage(t, "a language no notice is written in", getPage(t, n.Env, po.cookie, "/notice-templates/acme/org:our-notice/de"), 404)
}

func mustTemplateSets(t *testing.T, n *noticeEnv) []notice.TemplateSet {
	t.Helper()
	org, err := n.App.Auth.Organization(t.Context(), principal(t, n, "po@acme.example"), "acme")
	if err != nil {
		t.Fatal(err)
	}
	sets, err := n.App.Notices.TemplateSets(t.Context(), principal(t, n, "po@acme.example"), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

// TestCampaignPagesInFrench: a privacy officer who reads French gets the
// notice pages in French, with lang="fr" and no English word outside what
// people typed, the samples (marked with their own language) and the
// regulation catalogue.
func TestCampaignPagesInFrench(t *testing.T) {
	n := newNoticeEnv(t, db.SQLite)
	if res := n.Do("PATCH", "/api/v1/me", n.po, map[string]string{"language": "fr"}); res.Status != http.StatusOK {
		t.Fatalf("PATCH /me: %d %s", res.Status, res.Body)
	}
	po := signedIn(t, n.Env, "po@acme.example")
	// What people typed, and the merge fields' names in the templates' source.
	data := []string{"Mailing list exposed", "A misconfigured server exposed our customer mailing list.", "We closed the server the same day.",
		"First notice", "Org acme", "BR-2026-0001", "CA-ON", "CA-QC", "{{what_we_are_doing}}", "{{what_you_can_do}}"}
	draft := n.createCampaign(t)
	path := fmt.Sprintf("/campaigns/%d", draft)
	for name, p := range map[string]string{"breach": fmt.Sprintf("/breaches/%d", n.breach), "campaigns": fmt.Sprintf("/breaches/%d/campaigns", n.breach),
		"draft campaign": path, "templates": "/notice-templates/acme", "template": "/notice-templates/acme/general/fr"} {
		assertFrench(t, name, htmlPage(t, name, getPage(t, n.Env, po.cookie, p), 200), data...)
	}
	draftPage := getPage(t, n.Env, po.cookie, path).Body
	mustContain(t, draftPage, "Examen avant approbation", html.EscapeString("Textes de l'avis"), html.EscapeString("En attente d'approbation juridique"))

	n.approve(t, draft)
	seeOther(t, "send", postPage(t, n, po, path+"/send", nil), path)
	n.runUntil(t, "sending", func() bool { return n.progress(t, draft).ByStatus[notice.Sent] == 8 })
	sent := htmlPage(t, "sent campaign", getPage(t, n.Env, po.cookie, path+"?done=sent"), 200)
	mustContain(t, sent.Body, `lang="fr"`, "Avancement", "Lettres postales", "envoyé", "Actualiser", html.EscapeString("L'envoi a commencé."))
	assertFrench(t, "sent campaign", sent, data...)
	ledger := htmlPage(t, "deliveries", getPage(t, n.Env, po.cookie, path+"/deliveries"), 200)
	people := []string{"Ann Lee", "Bo Ng", "Chloé Roy", "Dev Patel", "Eve Hart", "Finn Ode", "Gia Mott", "Hal Nye", "Ivy Small", "<script>alert(1)</script>"}
	assertFrench(t, "deliveries", ledger, append(data, people...)...)
}
