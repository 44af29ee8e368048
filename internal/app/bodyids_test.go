package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
)

// TestIdsInBodiesBelongToTheCaller is the regression test of a filing that
// cited another organization's document, extended to every body field that
// carries an id: each is refused, for another organization's record and
// for one that does not exist, and nothing is stored. The same calls with
// acme's own ids are accepted (so the refusals come from the checks).
func TestIdsInBodiesBelongToTheCaller(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a, g := newTenant(t, e, "acme"), newTenant(t, e, "globex")
		const none = int64(999999)
		// Both duties are considered, as evaluated ones are: a refusal below
		// comes from the organization, not from the duty's state.
		e.App.DB.Gorm.Exec("UPDATE obligations SET considered = ? WHERE id IN ?", true, []int64{a.obligation, g.obligation})
		var theirs struct{ Key string }
		e.Do("POST", "/api/v1/organizations/globex/notice-templates", g.po, map[string]string{"from": "general", "name": "Globex only"}).JSON(t, &theirs)
		if theirs.Key == "" {
			t.Fatal("no template set of globex's own")
		}
		status := fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/status", a.breach, a.obligation)
		campaigns := fmt.Sprintf("/api/v1/breaches/%d/campaigns", a.breach)
		campaign := fmt.Sprintf("/api/v1/campaigns/%d", a.campaign)
		documents := fmt.Sprintf("/api/v1/breaches/%d/documents", a.breach)
		newCampaign := func(extra map[string]any) map[string]any {
			body := map[string]any{"name": "Corrective", "template_set": "general", "default_language": "en"}
			for k, v := range extra {
				body[k] = v
			}
			return body
		}
		type call struct {
			name, method, path string
			body               func(id int64) any
			own                int64
			others             []int64
		}
		calls := []call{
			{"obligation filed with a document", "POST", status, func(id int64) any {
				return map[string]any{"status": "filed", "reference": "R-1", "document_id": id}
			}, a.document, []int64{g.document, none}},
			{"document for an obligation", "POST", documents, func(id int64) any {
				return map[string]any{"kind": "generic", "obligation_id": id}
			}, a.obligation, []int64{g.obligation, none}},
			{"campaign for an obligation", "POST", campaigns, func(id int64) any {
				return newCampaign(map[string]any{"obligation_id": id})
			}, a.obligation, []int64{g.obligation, none}},
			{"campaign following another", "POST", campaigns, func(id int64) any {
				return newCampaign(map[string]any{"follows_id": id})
			}, a.campaign, []int64{g.campaign, none}},
			{"audience of another campaign", "POST", campaigns, func(id int64) any {
				return newCampaign(map[string]any{"audience": map[string]any{"same_as": id}})
			}, a.campaign, []int64{g.campaign, none}},
			{"audience of imports", "POST", campaigns, func(id int64) any {
				return newCampaign(map[string]any{"audience": map[string]any{"imports": []int64{id}}})
			}, a.imp, []int64{g.imp, none}},
			{"campaign edited to an obligation", "PATCH", campaign, func(id int64) any {
				return map[string]any{"obligation_id": id}
			}, a.obligation, []int64{g.obligation, none}},
			{"campaign edited to imports", "PATCH", campaign, func(id int64) any {
				return map[string]any{"audience": map[string]any{"imports": []int64{id}}}
			}, a.imp, []int64{g.imp, none}},
		}
		var before int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM campaigns").Scan(&before)
		for _, c := range calls {
			for _, id := range c.others {
				res := e.Do(c.method, c.path, a.admin, c.body(id))
				if res.Status != http.StatusBadRequest && res.Status != http.StatusNotFound {
					t.Errorf("%s with id %d: %d %s", c.name, id, res.Status, res.Body)
				}
			}
		}
		var after int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM campaigns").Scan(&after)
		var docID *int64
		e.App.DB.Gorm.Raw("SELECT document_id FROM obligations WHERE id = ?", a.obligation).Scan(&docID)
		if after != before || docID != nil {
			t.Fatalf("refused calls stored something: %d campaigns (was %d), document %v", after, before, docID)
		}
		// Names that carry another organization's record.
		for _, c := range []struct {
			name, method, path string
			body               any
		}{
			{"template set copied from another organization's", "POST", "/api/v1/organizations/acme/notice-templates", map[string]any{"from": theirs.Key, "name": "Theirs"}},
			{"campaign on another organization's template set", "PATCH", campaign, map[string]any{"template_set": theirs.Key}},
			{"breach in another organization", "POST", "/api/v1/breaches", map[string]any{"organization": "globex", "title": "Theirs"}},
		} {
			if res := e.Do(c.method, c.path, a.admin, c.body); res.Status != http.StatusBadRequest && res.Status != http.StatusNotFound {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
		}
		// acme's own ids pass the same checks (the filing last: it
		// re-evaluates the breach, which drops the test's made-up duty).
		for i := len(calls) - 1; i >= 0; i-- {
			c := calls[i]
			if res := e.Do(c.method, c.path, a.admin, c.body(c.own)); res.Status == http.StatusNotFound || res.Status >= 500 ||
				(res.Status == http.StatusBadRequest && mentions(res.Body, "of this breach")) {
				t.Errorf("%s with acme's own id: %d %s", c.name, res.Status, res.Body)
			}
		}
	})
}

func mentions(body []byte, s string) bool { return strings.Contains(string(body), s) }
