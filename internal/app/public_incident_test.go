package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// incidentForm is a complete draft of an incident page in both languages.
func incidentForm(slug, whatEN string) url.Values {
	return url.Values{
		"slug": {slug}, "call_centre": {"1-800-555-0199"},
		"title_en": {"Mailing list exposed"}, "what_happened_en": {whatEN},
		"what_we_are_doing_en": {"We closed the server the same day."}, "what_you_can_do_en": {"Be careful with e-mails that ask for personal information."},
		"contact_en": {"privacy@acme.example"}, "substitute_notice_en": {"Notice to people we could not reach."},
		"title_fr": {"Liste d'envoi exposée"}, "what_happened_fr": {"Un serveur mal configuré a exposé notre liste d'envoi."},
		"what_we_are_doing_fr": {"Nous avons fermé le serveur le jour même."}, "what_you_can_do_fr": {"Méfiez-vous des courriels qui demandent des renseignements personnels."},
		"contact_fr": {"privacy@acme.example"}, "substitute_notice_fr": {"Avis aux personnes que nous n'avons pas pu joindre."},
	}
}

func publicGet(t *testing.T, base, path string, header map[string]string) pageResponse {
	t.Helper()
	req := mustRequest(t, "GET", base+path)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return sendPage(t, req, "")
}

// TestIncidentPagePublishedUpdatedWithdrawn: a privacy officer drafts the
// page (a viewer posting anyway is refused), previews it (noindex, never
// public before it is published), publishes it at the address chosen,
// edits and publishes again (every version kept), posts a dated update in
// both languages, turns the organization's index on and off, and withdraws
// the page, which then answers 410; every step is in the audit log. A
// French visitor reads the French version, and every page links to the
// other language. The verify page links to the published page.
func TestIncidentPagePublishedUpdatedWithdrawn(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); incidentLifecycle(t, d) })
	}
}

func incidentLifecycle(t *testing.T, dialect db.Dialect) {
	v := newVerifyEnv(t, dialect, nil)
	base := fmt.Sprintf("/breaches/%d/incident", v.breach)
	po, viewer := signedIn(t, v.Env, "po@acme.example"), signedIn(t, v.Env, "viewer@acme.example")
	page := htmlPage(t, "manage", getPage(t, v.Env, po.cookie, base), http.StatusOK)
	mustContain(t, page.Body, "No page yet", "Save the draft")
	htmlPage(t, "breach page", getPage(t, v.Env, po.cookie, fmt.Sprintf("/breaches/%d", v.breach)), http.StatusOK)

	// A viewer sees the page without its forms and is refused when posting.
	mustNotContain(t, htmlPage(t, "viewer", getPage(t, v.Env, viewer.cookie, base), http.StatusOK).Body, "Save the draft")
	htmlPage(t, "viewer posts", postPage(t, v.noticeEnv, viewer, base, incidentForm("acme-list", "x")), http.StatusForbidden)
	htmlPage(t, "no form token", postPage(t, v.noticeEnv, po, base, url.Values{"csrf_token": {"wrong"}, "slug": {"x"}}), http.StatusForbidden)
	htmlPage(t, "bad slug", postPage(t, v.noticeEnv, po, base, incidentForm("Not A Slug!", "x")), http.StatusBadRequest)

	seeOther(t, "draft", postPage(t, v.noticeEnv, po, base, incidentForm("acme-list", "A server exposed our mailing list.")), base)
	if res := publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil); res.Status != http.StatusNotFound {
		t.Fatalf("an unpublished page is public: %d", res.Status)
	}
	prev := htmlPage(t, "preview", getPage(t, v.Env, po.cookie, base+"/preview?lang=fr"), http.StatusOK)
	mustContain(t, prev.Body, "Aperçu", `content="noindex, nofollow"`, "Liste d&#39;envoi exposée")

	// Publishing needs the version that was previewed.
	htmlPage(t, "stale publish", postPage(t, v.noticeEnv, po, base+"/publish", url.Values{"version": {"7"}}), http.StatusConflict)
	seeOther(t, "publish", postPage(t, v.noticeEnv, po, base+"/publish", url.Values{"version": {"1"}}), base)
	pub := htmlPage(t, "public page", publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil), http.StatusOK)
	mustContain(t, pub.Body, `<html lang="en">`, "Mailing list exposed", "A server exposed our mailing list.", "1-800-555-0199",
		"Notice to people we could not reach.", `href="/incidents/acme-list?lang=fr"`)
	mustNotContain(t, pub.Body, "noindex", "<script")
	fr := htmlPage(t, "French visitor", publicGet(t, v.HTTP.URL, "/incidents/acme-list", map[string]string{"Accept-Language": "fr-CA"}), http.StatusOK)
	mustContain(t, fr.Body, `<html lang="fr">`, "Liste d&#39;envoi exposée", "Ce qui s&#39;est passé", `href="/incidents/acme-list?lang=en"`)
	mustContain(t, publicGet(t, v.HTTP.URL, "/incidents/acme-list?lang=fr", nil).Body, `<html lang="fr">`)

	// The address is fixed once published; an edit is a new version that
	// is public only once published.
	htmlPage(t, "slug change", postPage(t, v.noticeEnv, po, base, incidentForm("other-name", "x")), http.StatusBadRequest)
	seeOther(t, "second draft", postPage(t, v.noticeEnv, po, base, incidentForm("", "A server exposed our mailing list for two days.")), base)
	mustNotContain(t, publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil).Body, "for two days")
	seeOther(t, "publish again", postPage(t, v.noticeEnv, po, base+"/publish", url.Values{"version": {"2"}}), base)
	mustContain(t, publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil).Body, "for two days")

	// A dated update, in both languages.
	htmlPage(t, "update without French", postPage(t, v.noticeEnv, po, base+"/updates", url.Values{"update_en": {"x"}}), http.StatusBadRequest)
	seeOther(t, "update", postPage(t, v.noticeEnv, po, base+"/updates", url.Values{"update_en": {"We have written to everyone."},
		"update_fr": {"Nous avons écrit à tout le monde."}}), base)
	mustContain(t, publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil).Body, "Updates", "We have written to everyone.")
	mustContain(t, publicGet(t, v.HTTP.URL, "/incidents/acme-list?lang=fr", nil).Body, "Mises à jour", "Nous avons écrit à tout le monde.")

	// The verify page links to the published page.
	res := htmlPage(t, "verify", v.lookup(t, v.code("P01"), nil), http.StatusOK)
	mustContain(t, res.Body, `href="/incidents/acme-list?lang=en"`)

	// The organization's index is off until turned on.
	if res := publicGet(t, v.HTTP.URL, "/incidents/org/acme", nil); res.Status != http.StatusNotFound {
		t.Fatalf("index before it was turned on: %d", res.Status)
	}
	seeOther(t, "index on", postPage(t, v.noticeEnv, po, base+"/index", url.Values{"public_index": {"on"}}), base)
	idx := htmlPage(t, "index", publicGet(t, v.HTTP.URL, "/incidents/org/acme?lang=fr", nil), http.StatusOK)
	mustContain(t, idx.Body, "Org acme", `href="/incidents/acme-list?lang=fr"`, "Liste d&#39;envoi exposée")
	seeOther(t, "index off", postPage(t, v.noticeEnv, po, base+"/index", nil), base)
	if res := publicGet(t, v.HTTP.URL, "/incidents/org/acme", nil); res.Status != http.StatusNotFound {
		t.Fatalf("index after it was turned off: %d", res.Status)
	}

	// Withdrawn: 410, a plain page, not indexed; the verify page no
	// longer links to it.
	htmlPage(t, "viewer withdraws", postPage(t, v.noticeEnv, viewer, base+"/withdraw", nil), http.StatusForbidden)
	seeOther(t, "withdraw", postPage(t, v.noticeEnv, po, base+"/withdraw", nil), base)
	gone := htmlPage(t, "withdrawn", publicGet(t, v.HTTP.URL, "/incidents/acme-list", nil), http.StatusGone)
	mustContain(t, gone.Body, "This page was withdrawn", "noindex")
	mustNotContain(t, gone.Body, "A server exposed")
	mustNotContain(t, v.lookup(t, v.code("P01"), nil).Body, "/incidents/acme-list")
	htmlPage(t, "unknown page", publicGet(t, v.HTTP.URL, "/incidents/no-such-page", nil), http.StatusNotFound)

	var versions int64
	v.App.DB.Gorm.Raw("SELECT count(*) FROM incident_versions").Scan(&versions)
	if versions != 2 {
		t.Fatalf("%d versions kept, want 2", versions)
	}
	var actions []string
	v.App.DB.Gorm.Raw("SELECT action FROM audit_log WHERE action LIKE 'incident.%' ORDER BY id").Scan(&actions)
	want := "incident.draft incident.publish incident.draft incident.publish incident.update incident.index incident.index incident.withdraw"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("audited %q, want %q", got, want)
	}
	manage := htmlPage(t, "manage after", getPage(t, v.Env, po.cookie, base), http.StatusOK)
	mustContain(t, manage.Body, "withdrawn", "We have written to everyone.", "Saved versions")
}

// TestIncidentRandomAddressAndSubstitute: without a chosen address a page
// gets a random one that cannot be guessed, and the draft's substitute
// notice can be filled from a campaign's.
func TestIncidentRandomAddressAndSubstitute(t *testing.T) {
	t.Parallel()
	v := newVerifyEnv(t, db.SQLite, nil)
	base := fmt.Sprintf("/breaches/%d/incident", v.breach)
	po := signedIn(t, v.Env, "po@acme.example")
	fill := htmlPage(t, "prefill", getPage(t, v.Env, po.cookie, fmt.Sprintf("%s?from_campaign=%d", base, v.campaign)), http.StatusOK)
	mustContain(t, fill.Body, "Notice of a privacy breach at Org acme", "Avis d&#39;incident de confidentialité chez Org acme", "/verify")
	seeOther(t, "draft", postPage(t, v.noticeEnv, po, base, incidentForm("", "What happened.")), base)
	var slug string
	v.App.DB.Gorm.Raw("SELECT slug FROM incidents WHERE breach_id = ?", v.breach).Scan(&slug)
	if len(slug) != 20 || strings.Trim(slug, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Fatalf("random address %q", slug)
	}
}
