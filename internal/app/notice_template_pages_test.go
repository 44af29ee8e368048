package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/notice"
)

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
