package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

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
