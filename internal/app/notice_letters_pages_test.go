package app_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/notice"
)

// postReturned sends the returned-mail form's parts in order.
func postReturned(t *testing.T, n *noticeEnv, s pageSession, path string, parts ...formPart) pageResponse {
	t.Helper()
	return postParts(t, s, n.HTTP.URL+path, parts...)
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
