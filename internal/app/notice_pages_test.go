package app_test

import (
	"fmt"
	"html"
	"io"
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
