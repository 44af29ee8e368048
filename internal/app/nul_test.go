package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// TestNULCharactersAreRefusedByName: a NUL character anywhere a client can
// put text (a search parameter, a breach, an organization, a token, a
// member, an answer, a page's search and form) is a 400 naming the field,
// on both databases, and nothing is stored.
func TestNULCharactersAreRefusedByName(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		nul := "x\u0000y"
		cases := []struct {
			method, path string
			body         any
			field        string
		}{
			{"GET", "/api/v1/breaches?q=" + url.QueryEscape(nul), nil, "q"},
			{"GET", "/api/v1/deadlines?organization=" + url.QueryEscape(nul), nil, "organization"},
			{"POST", "/api/v1/breaches", map[string]any{"organization": "acme", "title": nul, "kinds": []string{"loss"}}, "title"},
			{"PATCH", fmt.Sprintf("/api/v1/breaches/%d", a.breach), map[string]any{"description": nul}, "description"},
			{"PATCH", "/api/v1/organizations/acme", map[string]any{"name": nul}, "name"},
			{"POST", "/api/v1/tokens", map[string]any{"name": nul}, "name"},
			{"POST", "/api/v1/organizations/acme/members", map[string]any{"email": "a" + nul + "@example.org", "role": "viewer"}, "email"},
			{"PUT", fmt.Sprintf("/api/v1/breaches/%d/answers/gdpr_risk", a.breach), map[string]any{"value": "risk", "rationale": nul}, "rationale"},
			{"POST", fmt.Sprintf("/api/v1/breaches/%d/events", a.breach), map[string]any{"kind": "contained", "at": "2025-03-11T09:00:00Z", "zone": "UTC", "note": nul}, "note"},
		}
		for _, c := range cases {
			res := e.Do(c.method, c.path, a.admin, c.body)
			if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"`+c.field+`"`) {
				t.Errorf("%s %s: %d %s, want 400 naming %s", c.method, c.path, res.Status, res.Body, c.field)
			}
		}
		var n int64
		e.App.DB.Gorm.Raw("SELECT COUNT(*) FROM breaches WHERE organization_id = ?", a.org.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d breaches stored, want the tenant's one", n)
		}
		s := signedIn(t, e, "po@acme.example")
		if p := getPage(t, e, s.cookie, "/breaches?q="+url.QueryEscape(nul)); p.Status != http.StatusBadRequest || !strings.Contains(p.Type, "text/html") {
			t.Errorf("page search: %d %s", p.Status, p.Type)
		}
	})
}
