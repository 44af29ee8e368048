package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/obligation"
)

// storedClosures lists the closures of a calendar stored in the database.
func storedClosures(t *testing.T, e *apptest.Env, calendar string) []obligation.Closure {
	t.Helper()
	list, err := e.App.Obligations.CalendarList(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == calendar {
			return c.Added
		}
	}
	t.Fatalf("no calendar %s", calendar)
	return nil
}

// TestAdminCalendarsAndClosures: every member reads the calendars; the
// operator adds a closure (a bad date is shown by field) and removes it,
// both audited; an administrator who is not an operator, a viewer and a
// post without the form token change nothing.
func TestAdminCalendarsAndClosures(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		const cal = "CA-ON-LEGISLATION"
		page, _ := f.viewer.get("/admin/calendars")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, cal) || strings.Contains(page.Body, `action="/admin/calendars/closures"`) {
			t.Fatalf("viewer's calendars page: %d", page.Status)
		}
		page, _ = f.admin.get("/admin/calendars?calendar=" + cal + "&year=2026")
		mustContain(t, page.Body, `action="/admin/calendars/closures"`, `id="date"`, `id="closure-name"`, "Holidays of "+cal+" in 2026", `datetime="2026-12-25"`)
		add := url.Values{"calendar": {cal}, "date": {"2026-12-29"}, "name": {"Ice storm"}}
		for who, b := range map[string]*browser{"viewer": f.viewer, "administrator of beta": f.outsider} {
			if r := b.post("/breaches", "/admin/calendars/closures", cloneValues(add)); r.Status != http.StatusForbidden {
				t.Fatalf("%s adds a closure: %d", who, r.Status)
			}
		}
		if r := f.admin.do("POST", "/admin/calendars/closures", cloneValues(add)); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}
		bad := f.admin.post("/admin/calendars", "/admin/calendars/closures", url.Values{"calendar": {cal}, "date": {"next Tuesday"}, "name": {"Ice storm"}})
		if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `id="date-error"`) || !strings.Contains(bad.Body, `value="Ice storm"`) {
			t.Fatalf("bad date: %d", bad.Status)
		}
		if r := f.admin.post("/admin/calendars", "/admin/calendars/closures", url.Values{"calendar": {"XX-NOWHERE"}, "date": {"2026-12-29"}, "name": {"x"}}); r.Status != http.StatusNotFound {
			t.Fatalf("unknown calendar: %d", r.Status)
		}
		if n := len(storedClosures(t, e, cal)); n != 0 {
			t.Fatalf("%d closures stored by refused posts", n)
		}
		r := f.admin.post("/admin/calendars", "/admin/calendars/closures", cloneValues(add))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add: %d", r.Status)
		}
		stored := storedClosures(t, e, cal)
		if len(stored) != 1 || stored[0].Day != "2026-12-29" || stored[0].Name != "Ice storm" {
			t.Fatalf("stored: %+v", stored)
		}
		page, _ = f.viewer.get("/admin/calendars")
		mustContain(t, page.Body, "Ice storm")
		remove := "/admin/calendars/closures/" + strconv.FormatInt(stored[0].ID, 10) + "/remove"
		if r := f.viewer.post("/breaches", remove, nil); r.Status != http.StatusForbidden {
			t.Fatalf("viewer removes: %d", r.Status)
		}
		if r := f.admin.post("/admin/calendars", remove, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.Status)
		}
		if n := len(storedClosures(t, e, cal)); n != 0 {
			t.Fatalf("%d closures left", n)
		}
		if r := f.admin.post("/admin/calendars", remove, nil); r.Status != http.StatusNotFound {
			t.Fatalf("removed twice: %d", r.Status)
		}
		actions := auditActions(t, e, f.acme.ID)
		if !actions["calendar.closure.add"] || !actions["calendar.closure.remove"] {
			t.Errorf("closures not audited: %v", actions)
		}
	})
}

// TestRulesCatalogue: every signed-in member browses the catalogue, filters
// it by jurisdiction and group, and opens a rule with every version, its
// citation and official source; an unknown rule is an HTML 404; the page
// is in French when the member reads French.
func TestRulesCatalogue(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		page, _ := f.viewer.get("/rules")
		if page.Status != http.StatusOK {
			t.Fatalf("rules: %d", page.Status)
		}
		mustContain(t, page.Body, "Page 1 of", `rel="next"`)
		page, _ = f.viewer.get("/rules?family=ontario")
		mustContain(t, page.Body, `href="/rules/ON-PHIPA-IND"`, `href="https://www.ontario.ca/laws/statute/04p03"`)
		page, _ = f.viewer.get("/rules?jurisdiction=CA-ON")
		if !strings.Contains(page.Body, `href="/rules/ON-PHIPA-IND"`) || strings.Contains(page.Body, `href="/rules/US-NY/individuals"`) {
			t.Fatal("the jurisdiction filter does not filter")
		}
		page, _ = f.viewer.get("/rules?family=us-states&q=US-NY")
		if strings.Contains(page.Body, `href="/rules/ON-PHIPA-IND"`) || !strings.Contains(page.Body, `href="/rules/US-NY/individuals"`) {
			t.Fatal("the group and word filters do not filter")
		}
		page, _ = f.viewer.get("/rules?family=us-states&page=2")
		mustContain(t, page.Body, "Page 2 of", `rel="prev"`, "family=us-states")
		page, _ = f.viewer.get("/rules/US-NY/individuals")
		mustContain(t, page.Body, "pre-S2659B", "2024-12-21", "Official text")
		page, _ = f.viewer.get("/rules/ON-PHIPA-IND")
		mustContain(t, page.Body, "PHIPA s.12(2)", "https://www.ontario.ca/laws/statute/04p03")
		if r := f.viewer.do("GET", "/rules/NO-SUCH-RULE", nil); r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("unknown rule: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		f.viewer.cookies["breachline_lang"] = "fr"
		page, _ = f.viewer.get("/rules")
		mustContain(t, page.Body, `lang="fr"`, "Catalogue des règles", "Territoire")
		if r := newBrowser(t, e).do("GET", "/rules", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("signed out: %d", r.Status)
		}
	})
}
