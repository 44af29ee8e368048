package app_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// TestOfficeDeadlinesPage: each open duty with its countdown, status, why,
// how to file and next step; the filters narrow the list; undetermined
// duties link to the question that decides them; a duty with no fixed
// date shows its internal target; the breach reference always carries its
// organization; legal is offered only its decision and a viewer no action.
func TestOfficeDeadlinesPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		o := newOfficeEnv(t, e)
		po := signedIn(t, e, "po@acme.example")
		page := getPage(t, e, po.cookie, "/deadlines")
		if page.Status != 200 {
			t.Fatalf("deadlines: %d", page.Status)
		}
		rows := officeRows(page.Body)
		if len(rows) < 4 {
			t.Fatalf("%d rows:\n%s", len(rows), page.Body)
		}
		mustContain(t, page.Body, `<span class="org-of">· Org acme</span>`,
			fmt.Sprintf(`href="/breaches/%d/questions#q-gdpr_risk"`, o.open), "Answer the question",
			fmt.Sprintf(`href="/breaches/%d/documents"`, o.decided), "Generate the filing",
			fmt.Sprintf(`href="/breaches/%d/obligations/`, o.decided), "Mark filed",
			"Internal target (no statutory date):", "How to file:", "Why:", `id="utc-toggle"`, `src="/static/deadlines.js"`,
			`href="/deadlines/calendar"`, "ago</span>")
		officeLacks(t, "acme's deadlines", page.Body, "Org other", "Misdirected letter")
		for _, r := range officeRows(page.Body) {
			if strings.Contains(r, fmt.Sprintf(`href="/breaches/%d"`, o.open)) && strings.Contains(r, "row-state-undetermined") &&
				!strings.Contains(r, "questions#q-") {
				t.Errorf("an undetermined row has no link to its question:\n%s", r)
			}
		}

		for name, c := range map[string]struct {
			query string
			each  func(row string) bool
		}{
			"breach":       {fmt.Sprintf("breach=%d", o.open), func(r string) bool { return strings.Contains(r, fmt.Sprintf(`href="/breaches/%d"`, o.open)) }},
			"status":       {"status=undetermined", func(r string) bool { return strings.Contains(r, `class="row-state-undetermined`) }},
			"regulator":    {"regulator=" + url.QueryEscape("competent / lead supervisory authority"), func(r string) bool { return strings.Contains(r, "competent / lead supervisory authority") }},
			"organization": {fmt.Sprintf("org=%d", o.acme.ID), func(r string) bool { return strings.Contains(r, "Org acme") }},
		} {
			got := officeRows(getPage(t, e, po.cookie, "/deadlines?"+c.query).Body)
			if len(got) == 0 || len(got) >= len(rows) && name != "organization" {
				t.Errorf("%s filter kept %d of %d rows", name, len(got), len(rows))
			}
			for _, r := range got {
				if !c.each(r) {
					t.Errorf("%s filter kept a row it should not:\n%s", name, r)
				}
			}
		}
		none := getPage(t, e, po.cookie, fmt.Sprintf("/deadlines?org=%d", o.other.ID))
		if len(officeRows(none.Body)) != 0 || !strings.Contains(none.Body, "No open duty matches the filter.") {
			t.Errorf("another organization's filter shows rows:\n%s", none.Body)
		}

		both := getPage(t, e, signedIn(t, e, "both@acme.example").cookie, "/deadlines").Body
		for _, org := range []string{"Org acme", "Org other"} {
			if !strings.Contains(both, `<span class="org-of">· `+org+`</span>`) {
				t.Errorf("a member of both organizations does not see %s beside its reference", org)
			}
		}

		legal := getPage(t, e, signedIn(t, e, "legal@acme.example").cookie, "/deadlines").Body
		mustContain(t, legal, "Decide: not required or waived")
		officeLacks(t, "legal's deadlines", legal, "Generate the filing", "Answer the question", "Mark filed")
		viewer := getPage(t, e, signedIn(t, e, "viewer@acme.example").cookie, "/deadlines").Body
		mustContain(t, viewer, "Nothing for your role", "Why:")
		officeLacks(t, "a viewer's deadlines", viewer, "Generate the filing", "Answer the question", "Mark filed", "Decide:", "/documents\"")
		mustContain(t, viewer, fmt.Sprintf(`<a href="/breaches/%d/questions#q-gdpr_risk">`, o.open))

		fr := officePage(t, o, po, "fr-CA", "/deadlines").Body
		mustContain(t, fr, "Temps restant", "Répondre à la question", "Cible interne (aucune date prévue par la loi)\u00a0:")
		officeLacks(t, "the French deadlines", fr, "Time left", "Answer the question", "Next step")
	})
}
