package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// workEnv is an Ontario provincial institution (FIPPA) with one breach,
// its members in every role, and a privacy officer of another
// organization.
type workEnv struct {
	*apptest.Env
	acme                               auth.Organization
	adminTok, poTok, legalTok          string
	po, legal, viewer, admin, outsider pageSession
	breach                             int64
	breachPath                         string
}

func newWorkEnv(t *testing.T, dialect db.Dialect) *workEnv {
	t.Helper()
	e := apptest.New(t, dialect)
	w := &workEnv{Env: e, acme: e.Org("acme")}
	w.adminTok = e.User("admin@acme.example", w.acme, auth.RoleAdmin)
	w.poTok = e.User("po@acme.example", w.acme, auth.RolePrivacyOfficer)
	w.legalTok = e.User("legal@acme.example", w.acme, auth.RoleLegal)
	e.User("viewer@acme.example", w.acme, auth.RoleViewer)
	e.User("po@other.example", e.Org("other"), auth.RolePrivacyOfficer)
	res := e.Do("PATCH", "/api/v1/organizations/acme", w.adminTok, map[string]any{"roles": []string{"fippa_institution"},
		"sectors": []string{"public"}, "home_jurisdiction": "CA-ON"})
	if res.Status != http.StatusOK {
		t.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	w.po, w.legal, w.viewer = signedIn(t, e, "po@acme.example"), signedIn(t, e, "legal@acme.example"), signedIn(t, e, "viewer@acme.example")
	w.admin, w.outsider = signedIn(t, e, "admin@acme.example"), signedIn(t, e, "po@other.example")
	w.breach = e.Breach(w.poTok, map[string]any{"organization": "acme", "title": "Misdirected letters",
		"kinds": []string{"unauthorized_disclosure"}, "data_categories": []string{"name"},
		"events": []map[string]string{{"kind": "determined", "at": "2025-10-24T10:00:00-04:00", "zone": "America/Toronto"}}})
	w.breachPath = fmt.Sprintf("/breaches/%d", w.breach)
	return w
}

func (w *workEnv) post(t *testing.T, s pageSession, path string, form url.Values) pageResponse {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", s.csrf)
	}
	return postPageForm(t, w.Env, s, path, form)
}

// refusals checks the refusals every form shares: without the session's
// token 403, a viewer 403, another organization's privacy officer 404;
// none of them changes anything (changed reports whether it did).
func (w *workEnv) refusals(t *testing.T, what, path string, form url.Values, changed func() bool) {
	t.Helper()
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("csrf_token", "forged")
	htmlPage(t, what+" without the form token", w.post(t, w.po, path, forged), http.StatusForbidden)
	htmlPage(t, what+" by a viewer", w.post(t, w.viewer, path, cloneForm(form)), http.StatusForbidden)
	htmlPage(t, what+" by another organization", w.post(t, w.outsider, path, cloneForm(form)), http.StatusNotFound)
	if changed != nil && changed() {
		t.Fatalf("%s: a refused form changed something", what)
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// auditActions lists the actions of the breach's audit trail.
func (w *workEnv) auditActions(t *testing.T, id int64) map[string]int {
	t.Helper()
	var page struct{ Entries []struct{ Action string } }
	w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/audit", id), w.legalTok, nil).JSON(t, &page)
	out := map[string]int{}
	for _, e := range page.Entries {
		out[e.Action]++
	}
	return out
}

// breachCount is how many breaches acme has.
func (w *workEnv) breachCount(t *testing.T) int {
	t.Helper()
	var list struct{ Total int }
	w.Do("GET", "/api/v1/breaches?organization=acme", w.poTok, nil).JSON(t, &list)
	return list.Total
}

// breachJSON reads a breach through the API.
func (w *workEnv) breachJSON(t *testing.T, id int64) map[string]any {
	t.Helper()
	res := w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d", id), w.poTok, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("breach %d: %d %s", id, res.Status, res.Body)
	}
	return res.Map(t)
}

var createdRe = regexp.MustCompile(`^/breaches/(\d+)\?done=created$`)

// TestBreachIntakeAndEditPages: a privacy officer opens a breach from the
// intake form with its kinds, data categories, estimates by region and a
// first event in its zone; a refused form keeps what was typed and says
// what is wrong beside each field; the edit form changes the facts and
// the estimates feed the obligations. Viewers see no controls and are
// refused; forms need the session's token; another organization's
// breach is not found.
func TestBreachIntakeAndEditPages(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); breachIntakeAndEdit(t, d) })
	}
}

func breachIntakeAndEdit(t *testing.T, dialect db.Dialect) {
	w := newWorkEnv(t, dialect)
	list := htmlPage(t, "breaches", getPage(t, w.Env, w.po.cookie, "/breaches"), 200)
	mustContain(t, list.Body, `href="/breaches/new"`)
	if strings.Contains(getPage(t, w.Env, w.viewer.cookie, "/breaches").Body, `href="/breaches/new"`) {
		t.Fatal("a viewer is offered the intake form")
	}
	htmlPage(t, "intake form for a viewer", getPage(t, w.Env, w.viewer.cookie, "/breaches/new"), 403)
	form := htmlPage(t, "intake form", getPage(t, w.Env, w.po.cookie, "/breaches/new"), 200)
	mustContain(t, form.Body, `name="csrf_token"`, `name="title"`, `name="kinds" value="unauthorized_disclosure"`,
		`name="data_categories" value="health_card"`, `name="est_region"`, `name="event_zone" type="text" value="America/Toronto"`)

	intake := url.Values{"organization": {strconv.FormatInt(w.acme.ID, 10)}, "title": {""}, "description": {"Letters sent to the wrong addresses."},
		"kinds": {"unauthorized_disclosure"}, "data_categories": {"name", "health_card"}, "status": {"open"},
		"est_region": {"CA-ON", "Ontario"}, "est_people": {"120", "3"},
		"event_kind": {"aware"}, "event_at": {"2025-11-03T09:30"}, "event_zone": {"America/Toronto"}}
	bad := htmlPage(t, "intake without a title", w.post(t, w.po, "/breaches/new", cloneForm(intake)), 400)
	mustContain(t, bad.Body, `id="title-error"`, `aria-invalid="true" aria-describedby="title-error"`, `id="estimates-error"`,
		"Letters sent to the wrong addresses.", `value="unauthorized_disclosure" checked`, `value="Ontario"`, `value="2025-11-03T09:30"`)

	intake.Set("title", "Letters to the wrong addresses")
	intake["est_region"], intake["est_people"] = []string{"CA-ON", "CA-QC"}, []string{"120", "4"}
	w.refusals(t, "intake", "/breaches/new", intake, func() bool { return w.breachCount(t) != 1 })
	loc := seeOther(t, "intake", w.post(t, w.po, "/breaches/new", cloneForm(intake)), "/breaches/")
	m := createdRe.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("intake went to %q", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	page := htmlPage(t, "new breach", getPage(t, w.Env, w.po.cookie, loc), 200)
	mustContain(t, page.Body, "The breach is open.", "Letters to the wrong addresses", "CA-ON: 120", "CA-QC: 4",
		"Health card number", fmt.Sprintf(`href="/breaches/%d/edit"`, id), "Ontario provincial institution under FIPPA")
	if strings.Contains(page.Body, `href="/admin/organization"`) {
		t.Fatal("a privacy officer is offered the organization settings")
	}
	mustContain(t, getPage(t, w.Env, w.admin.cookie, loc).Body, `href="/admin/organization"`)
	b := w.breachJSON(t, id)
	events := b["events"].([]any)
	if len(events) != 1 || events[0].(map[string]any)["zone"] != "America/Toronto" || events[0].(map[string]any)["at"] != "2025-11-03T14:30:00Z" {
		t.Fatalf("first event: %v", events)
	}
	if est := b["estimates"].(map[string]any); est["CA-ON"] != float64(120) || est["CA-QC"] != float64(4) {
		t.Fatalf("estimates: %v", b["estimates"])
	}
	if a := w.auditActions(t, id); a["breach.create"] != 1 {
		t.Fatalf("audit: %v", a)
	}

	// The estimates count as affected people while there is no roster: no
	// obligation still waits for "the numbers of affected people".
	var obs struct{ Obligations []struct{ Missing []string } }
	w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", id), w.poTok, nil).JSON(t, &obs)
	for _, o := range obs.Obligations {
		for _, m := range o.Missing {
			if m == "affected" {
				t.Fatalf("the estimates were not counted: %+v", obs)
			}
		}
	}

	// Edit: values shown, a refused edit keeps them, a good one saves.
	edit := fmt.Sprintf("/breaches/%d/edit", id)
	htmlPage(t, "edit form for a viewer", getPage(t, w.Env, w.viewer.cookie, edit), 403)
	htmlPage(t, "edit form of another organization", getPage(t, w.Env, w.outsider.cookie, edit), 404)
	shown := htmlPage(t, "edit form", getPage(t, w.Env, w.po.cookie, edit), 200)
	mustContain(t, shown.Body, `value="Letters to the wrong addresses"`, `value="health_card" checked`, `value="CA-QC"`, `value="4"`)
	changes := url.Values{"title": {"Letters to the wrong addresses (final)"}, "status": {"contained"}, "kinds": {"unauthorized_disclosure", "loss"},
		"data_categories": {"name"}, "nature": {"confidentiality"}, "containment": {"Letters recovered."},
		"est_region": {"CA-ON"}, "est_people": {"130"}}
	wrong := cloneForm(changes)
	wrong.Set("status", "forgotten")
	refused := htmlPage(t, "edit with a bad status", w.post(t, w.po, edit, wrong), 400)
	mustContain(t, refused.Body, `id="status-error"`, `value="Letters to the wrong addresses (final)"`, "Letters recovered.")
	w.refusals(t, "edit", edit, changes, func() bool { return w.breachJSON(t, id)["status"] != "open" })
	seeOther(t, "edit", w.post(t, w.po, edit, cloneForm(changes)), fmt.Sprintf("/breaches/%d?done=saved", id))
	b = w.breachJSON(t, id)
	if b["status"] != "contained" || b["containment"] != "Letters recovered." || len(b["kinds"].([]any)) != 2 {
		t.Fatalf("edit not saved: %v", b)
	}
	if est := b["estimates"].(map[string]any); len(est) != 1 || est["CA-ON"] != float64(130) {
		t.Fatalf("estimates after the edit: %v", est)
	}
	if a := w.auditActions(t, id); a["breach.update"] != 1 {
		t.Fatalf("audit after the edit: %v", a)
	}
}

// eventIDs lists the breach's event ids by kind.
func (w *workEnv) eventIDs(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, e := range w.breachJSON(t, w.breach)["events"].([]any) {
		m := e.(map[string]any)
		out[m["kind"].(string)] = int64(m["id"].(float64))
	}
	return out
}

// TestTimelinePages: events are added in the zone given, corrected and
// deleted only with a reason, and the history keeps what each was; the
// clock follows (the FIPPA duty counts from "determined"). Every form is
// refused without the token, to a viewer and to another organization.
func TestTimelinePages(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); timelinePages(t, d) })
	}
}

func timelinePages(t *testing.T, dialect db.Dialect) {
	w := newWorkEnv(t, dialect)
	timeline := w.breachPath + "/timeline"
	page := htmlPage(t, "timeline", getPage(t, w.Env, w.po.cookie, timeline), 200)
	mustContain(t, page.Body, `action="`+w.breachPath+`/events"`, "2025-10-24 10:00 EDT", "/correct", "/delete")
	viewer := htmlPage(t, "timeline for a viewer", getPage(t, w.Env, w.viewer.cookie, timeline), 200)
	if strings.Contains(viewer.Body, `method="post" action="`+w.breachPath) {
		t.Fatal("a viewer is offered the timeline's forms")
	}
	htmlPage(t, "timeline of another organization", getPage(t, w.Env, w.outsider.cookie, timeline), 404)

	add := url.Values{"kind": {"aware"}, "at": {"2025-10-25T08:15"}, "zone": {"Europe/Paris"}, "note": {"Confirmed by the mail room"}}
	wrong := cloneForm(add)
	wrong.Set("zone", "Mars/Olympus")
	bad := htmlPage(t, "an event in no zone", w.post(t, w.po, w.breachPath+"/events", wrong), 400)
	mustContain(t, bad.Body, `id="add-zone-error"`, `value="Mars/Olympus"`, `value="2025-10-25T08:15"`, "Confirmed by the mail room")
	w.refusals(t, "add an event", w.breachPath+"/events", add, func() bool { return len(w.eventIDs(t)) != 1 })
	seeOther(t, "add an event", w.post(t, w.po, w.breachPath+"/events", cloneForm(add)), timeline+"?done=event_added")
	ids := w.eventIDs(t)
	if ids["aware"] == 0 {
		t.Fatalf("no aware event: %v", ids)
	}
	mustContain(t, getPage(t, w.Env, w.po.cookie, timeline).Body, "2025-10-25 02:15 EDT", "recorded in Europe/Paris")

	correct := fmt.Sprintf("%s/events/%d/correct", w.breachPath, ids["determined"])
	fix := url.Values{"kind": {"determined"}, "at": {"2025-10-23T16:00"}, "zone": {"America/Toronto"}, "note": {""}, "reason": {"The head decided a day earlier"}}
	noReason := cloneForm(fix)
	noReason.Set("reason", " ")
	refused := htmlPage(t, "a correction without a reason", w.post(t, w.po, correct, noReason), 400)
	mustContain(t, refused.Body, fmt.Sprintf(`id="c%d-reason-error"`, ids["determined"]), `value="2025-10-23T16:00"`)
	w.refusals(t, "correct an event", correct, fix, nil)
	seeOther(t, "correct", w.post(t, w.po, correct, cloneForm(fix)), timeline+"?done=event_corrected")

	del := fmt.Sprintf("%s/events/%d/delete", w.breachPath, ids["aware"])
	htmlPage(t, "a deletion without a reason", w.post(t, w.po, del, url.Values{"reason": {""}}), 400)
	w.refusals(t, "delete an event", del, url.Values{"reason": {"Recorded twice"}}, func() bool { return w.eventIDs(t)["aware"] == 0 })
	seeOther(t, "delete", w.post(t, w.po, del, url.Values{"reason": {"Recorded twice"}}), timeline+"?done=event_deleted")
	if ids := w.eventIDs(t); len(ids) != 1 || ids["aware"] != 0 {
		t.Fatalf("events after the deletion: %v", ids)
	}
	history := getPage(t, w.Env, w.po.cookie, timeline).Body
	mustContain(t, history, "The head decided a day earlier", "Recorded twice", "2025-10-24 10:00 EDT", "2025-10-23 16:00 EDT",
		"corrected", "deleted", "po@acme.example")
	a := w.auditActions(t, w.breach)
	if a["breach.event.add"] != 1 || a["breach.event.correct"] != 1 || a["breach.event.delete"] != 1 {
		t.Fatalf("audit: %v", a)
	}
	// French: the history and the forms speak French.
	w.french(t, w.poTok)
	mustContain(t, getPage(t, w.Env, w.po.cookie, timeline).Body, "Historique des changements", "corrigé", "supprimé", "Ajouter un événement")
}

// french makes French the language of the token's user.
func (w *workEnv) french(t *testing.T, tok string) {
	t.Helper()
	if res := w.Do("PATCH", "/api/v1/me", tok, map[string]string{"language": "fr"}); res.Status != http.StatusOK {
		t.Fatalf("language: %d %s", res.Status, res.Body)
	}
}

// obligationID is the id of the breach's obligation with the rule key.
func (w *workEnv) obligationID(t *testing.T, key string) int64 {
	t.Helper()
	var list struct {
		Obligations []struct {
			ID      int64
			RuleKey string `json:"rule_key"`
		}
	}
	w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", w.breach), w.poTok, nil).JSON(t, &list)
	for _, o := range list.Obligations {
		if o.RuleKey == key {
			return o.ID
		}
	}
	t.Fatalf("no obligation %s: %+v", key, list)
	return 0
}

// obligationStatus reads an obligation's status through the API.
func (w *workEnv) obligationStatus(t *testing.T, key string) (status, reference string) {
	t.Helper()
	var list struct {
		Obligations []struct {
			RuleKey         string `json:"rule_key"`
			Status          string
			FilingReference string `json:"filing_reference"`
		}
	}
	w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/obligations", w.breach), w.poTok, nil).JSON(t, &list)
	for _, o := range list.Obligations {
		if o.RuleKey == key {
			return o.Status, o.FilingReference
		}
	}
	return "", ""
}

// TestQuestionnairePage: the breach page's gaps link to their questions;
// the questionnaire groups the questions of the rules in play, gaps
// first, with the duties each decides; an answer with its rationale is
// saved (who and when shown), decides the duty, and a bad one is refused
// beside the question.
func TestQuestionnairePage(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); questionnairePage(t, d) })
	}
}

func questionnairePage(t *testing.T, dialect db.Dialect) {
	w := newWorkEnv(t, dialect)
	questions := w.breachPath + "/questions"
	mustContain(t, getPage(t, w.Env, w.po.cookie, w.breachPath).Body, `href="`+questions+`#q-rrosh"`)
	page := htmlPage(t, "questionnaire", getPage(t, w.Env, w.po.cookie, questions), 200)
	mustContain(t, page.Body, `id="q-rrosh"`, `class="question gap"`, "<code>ON-FIPPA-IPC</code>", `action="`+questions+`/rrosh"`,
		`id="q-how_discovered"`, "Content of the filings")
	if strings.Index(page.Body, `id="q-rrosh"`) > strings.Index(page.Body, `id="q-notice_prohibited"`) {
		t.Fatal("an unanswered question is not listed first")
	}
	if strings.Contains(getPage(t, w.Env, w.viewer.cookie, questions).Body, `action="`+questions) {
		t.Fatal("a viewer is offered the answer forms")
	}
	htmlPage(t, "questionnaire of another organization", getPage(t, w.Env, w.outsider.cookie, questions), 404)

	bad := htmlPage(t, "a number where yes or no is asked", w.post(t, w.po, questions+"/rrosh", url.Values{"value": {"42"}, "rationale": {"Because"}}), 400)
	mustContain(t, bad.Body, `id="q-rrosh-value-error"`, "Because")
	answer := url.Values{"value": {"true"}, "rationale": {"Health numbers were in the letters."}}
	w.refusals(t, "answer", questions+"/rrosh", answer, func() bool { return len(w.breachJSON(t, w.breach)["answers"].([]any)) != 0 })
	answered := seeOther(t, "answer", w.post(t, w.po, questions+"/rrosh", cloneForm(answer)), questions+"?done=answered#q-rrosh")
	after := getPage(t, w.Env, w.po.cookie, answered).Body
	mustContain(t, after, "The answer is saved", "Health numbers were in the letters.", "Answered by po@acme.example")
	if strings.Contains(after, `class="question gap" id="q-rrosh"`) {
		t.Fatal("an answered question is still a gap")
	}
	if status, _ := w.obligationStatus(t, "ON-FIPPA-IPC"); status != "pending" {
		t.Fatalf("the answer did not decide the IPC duty: %s", status)
	}
	if a := w.auditActions(t, w.breach); a["breach.answer"] != 1 {
		t.Fatalf("audit: %v", a)
	}
	w.french(t, w.poTok)
	mustContain(t, getPage(t, w.Env, w.po.cookie, questions).Body, "Questionnaire de", "Répondu par", "Contenu des déclarations")
}

// TestObligationPage: the page explains the duty in words (no catalogue
// ids), with its citation, official source, certainty and readings;
// a privacy officer marks it filed with the date, the regulator's
// reference and a document of the breach; only legal waives or reopens,
// with a rationale; every decision is in the history and the audit trail.
func TestObligationPage(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); obligationPage(t, d) })
	}
}

func obligationPage(t *testing.T, dialect db.Dialect) {
	w := newWorkEnv(t, dialect)
	if res := w.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/rrosh", w.breach), w.poTok, map[string]string{"value": "true"}); res.Status != 200 {
		t.Fatalf("answer: %d %s", res.Status, res.Body)
	}
	ipc, ind := w.obligationID(t, "ON-FIPPA-IPC"), w.obligationID(t, "ON-FIPPA-IND")
	path := fmt.Sprintf("%s/obligations/%d", w.breachPath, ipc)
	mustContain(t, getPage(t, w.Env, w.po.cookie, w.breachPath).Body, `href="`+path+`"`)
	page := htmlPage(t, "obligation", getPage(t, w.Env, w.po.cookie, path), 200)
	mustContain(t, page.Body, "Information and Privacy Commissioner of Ontario", "FIPPA s.40.1", "Official source", "Certainty of the rule",
		"Conservative reading", `name="status" value="filed"`, `name="reference"`)
	for _, id := range []string{"fippa_institution", "rrosh", ") = true"} {
		if strings.Contains(page.Body, "<p class=\"prose\">"+id) || strings.Contains(page.Body, id+" =") {
			t.Errorf("the explanation shows the catalogue id %q", id)
		}
	}
	if strings.Contains(page.Body, `value="waived"`) {
		t.Fatal("a privacy officer is offered the waiver")
	}
	mustContain(t, getPage(t, w.Env, w.legal.cookie, path).Body, `value="waived"`, `name="rationale"`)
	if strings.Contains(getPage(t, w.Env, w.viewer.cookie, path).Body, `method="post" action="`+path) {
		t.Fatal("a viewer is offered a decision")
	}
	htmlPage(t, "obligation of another organization", getPage(t, w.Env, w.outsider.cookie, path), 404)

	doc := generate(t, w.Env, w.poTok, w.breach, map[string]any{"kind": "on-ipc-fippa"}, http.StatusCreated)
	filed := url.Values{"status": {"filed"}, "filed_at": {"2025-10-27T11:00"}, "zone": {"America/Toronto"}, "reference": {"PR25-00042"},
		"document_id": {strconv.FormatInt(doc.ID, 10)}}
	future := cloneForm(filed)
	future.Set("filed_at", "2099-01-01T00:00")
	bad := htmlPage(t, "filed in the future", w.post(t, w.po, path+"/status", future), 400)
	mustContain(t, bad.Body, `id="filed-at-error"`, `value="PR25-00042"`)
	w.refusals(t, "mark filed", path+"/status", filed, func() bool { s, _ := w.obligationStatus(t, "ON-FIPPA-IPC"); return s == "filed" })
	done := seeOther(t, "mark filed", w.post(t, w.po, path+"/status", cloneForm(filed)), path+"?done=status_filed")
	if s, ref := w.obligationStatus(t, "ON-FIPPA-IPC"); s != "filed" || ref != "PR25-00042" {
		t.Fatalf("filed: %s %s", s, ref)
	}
	mustContain(t, getPage(t, w.Env, w.po.cookie, done).Body, "The obligation is marked filed.", "PR25-00042", "decision")

	indPath := fmt.Sprintf("%s/obligations/%d", w.breachPath, ind)
	waive := url.Values{"status": {"waived"}, "rationale": {"The letters were returned unopened."}}
	htmlPage(t, "a privacy officer waives", w.post(t, w.po, indPath+"/status", cloneForm(waive)), 403)
	noWhy := htmlPage(t, "a waiver without a rationale", w.post(t, w.legal, indPath+"/status", url.Values{"status": {"waived"}}), 400)
	mustContain(t, noWhy.Body, `id="rationale-error"`)
	w.refusals(t, "waive", indPath+"/status", waive, func() bool { s, _ := w.obligationStatus(t, "ON-FIPPA-IND"); return s == "waived" })
	seeOther(t, "waive", w.post(t, w.legal, indPath+"/status", cloneForm(waive)), indPath+"?done=status_waived")
	history := getPage(t, w.Env, w.legal.cookie, indPath).Body
	mustContain(t, history, "The letters were returned unopened.", "legal@acme.example", "Reopen the obligation")
	htmlPage(t, "a privacy officer reopens", w.post(t, w.po, indPath+"/status", url.Values{"status": {"pending"}}), 403)
	seeOther(t, "reopen", w.post(t, w.legal, indPath+"/status", url.Values{"status": {"pending"}}), indPath+"?done=status_pending")
	if s, _ := w.obligationStatus(t, "ON-FIPPA-IND"); s == "waived" {
		t.Fatal("reopen left the waiver")
	}
	if a := w.auditActions(t, w.breach); a["obligation.status"] != 3 {
		t.Fatalf("audit: %v", a)
	}
	w.french(t, w.legalTok)
	mustContain(t, getPage(t, w.Env, w.legal.cookie, indPath).Body, "Ce que dit la loi", "Historique", "Justification")
}

// TestDocumentsPage: the documents page lists what the chosen filing
// lacks first, each item linking to where it is filled; generates it;
// lists its versions with their download; and records the filing, which
// marks the duty filed.
func TestDocumentsPage(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { t.Parallel(); documentsPage(t, d) })
	}
}

func documentsPage(t *testing.T, dialect db.Dialect) {
	w := newWorkEnv(t, dialect)
	if res := w.Do("PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/rrosh", w.breach), w.poTok, map[string]string{"value": "true"}); res.Status != 200 {
		t.Fatalf("answer: %d %s", res.Status, res.Body)
	}
	docs := w.breachPath + "/documents"
	page := htmlPage(t, "documents", getPage(t, w.Env, w.po.cookie, docs+"?kind=on-ipc-fippa&stage=preliminary"), 200)
	mustContain(t, page.Body, "Missing content", `href="`+w.breachPath+`/questions#q-`, `action="`+docs+`"`, `value="on-ipc-fippa" selected`)
	if strings.Index(page.Body, "Missing content") > strings.Index(page.Body, "Generate the document") {
		t.Fatal("the missing content is not listed before the generation form")
	}
	if strings.Contains(getPage(t, w.Env, w.viewer.cookie, docs+"?kind=on-ipc-fippa").Body, `method="post" action="`+docs+`"`) ||
		strings.Contains(getPage(t, w.Env, w.viewer.cookie, docs+"?kind=on-ipc-fippa").Body, `name="obligation_id"`) {
		t.Fatal("a viewer is offered the generation form")
	}
	htmlPage(t, "documents of another organization", getPage(t, w.Env, w.outsider.cookie, docs), 404)

	gen := url.Values{"kind": {"on-ipc-fippa"}, "stage": {"preliminary"}}
	htmlPage(t, "an organization document", w.post(t, w.po, docs, url.Values{"kind": {"register"}}), 400)
	count := func() int {
		var list struct{ Documents []struct{ ID int64 } }
		w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents", w.breach), w.poTok, nil).JSON(t, &list)
		return len(list.Documents)
	}
	w.refusals(t, "generate", docs, gen, func() bool { return count() != 0 })
	loc := seeOther(t, "generate", w.post(t, w.po, docs, cloneForm(gen)), docs+"?done=generated")
	seeOther(t, "generate again", w.post(t, w.po, docs, cloneForm(gen)), docs+"?done=generated")
	listed := getPage(t, w.Env, w.po.cookie, loc).Body
	mustContain(t, listed, "The document is generated.", "v1", "v2", "Download the PDF", "Record the filing with the regulator")
	var list struct {
		Documents []struct {
			ID      int64
			Version int
		}
	}
	w.Do("GET", fmt.Sprintf("/api/v1/breaches/%d/documents", w.breach), w.poTok, nil).JSON(t, &list)
	latest := list.Documents[0].ID
	for _, d := range list.Documents {
		if d.Version == 2 {
			latest = d.ID
		}
	}
	filing := fmt.Sprintf("/documents/%d/filing", latest)
	form := url.Values{"filed_at": {"2025-10-27T11:00"}, "zone": {"America/Toronto"}, "reference": {"PR25-00077"}}
	early := cloneForm(form)
	early.Set("filed_at", "")
	bad := htmlPage(t, "a filing without a date", w.post(t, w.po, filing, early), 400)
	mustContain(t, bad.Body, fmt.Sprintf(`id="filed-file-%d-error"`, latest))
	// A filing date before the document existed is refused too: give now.
	form.Set("filed_at", time.Now().In(mustZone(t, "America/Toronto")).Format("2006-01-02T15:04"))
	w.refusals(t, "record the filing", filing, form, func() bool { s, _ := w.obligationStatus(t, "ON-FIPPA-IPC"); return s == "filed" })
	seeOther(t, "record the filing", w.post(t, w.po, filing, cloneForm(form)), docs+"?done=filed")
	if s, ref := w.obligationStatus(t, "ON-FIPPA-IPC"); s != "filed" || ref != "PR25-00077" {
		t.Fatalf("the filing did not mark the duty: %s %s", s, ref)
	}
	mustContain(t, getPage(t, w.Env, w.po.cookie, docs).Body, "PR25-00077", fmt.Sprintf(`href="%s/obligations/%d#history"`, w.breachPath, w.obligationID(t, "ON-FIPPA-IPC")))
	if a := w.auditActions(t, w.breach); a["document.generate"] != 2 || a["document.file"] != 1 {
		t.Fatalf("audit: %v", a)
	}
	w.french(t, w.poTok)
	mustContain(t, getPage(t, w.Env, w.po.cookie, docs+"?kind=on-ipc-fippa").Body, "Contenu manquant", "Télécharger le fichier PDF")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
