package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
)

// tenant is one organization with a record of every kind the API addresses
// by id, and a token of each role.
type tenant struct {
	slug                                string
	org                                 auth.Organization
	admin, po, legal, viewer            string
	breach, event, obligation, document int64
	imp, token, viewerUser, register    int64
	invitation, invitationToResend      int64
	// person is a roster row flagged as repeating an earlier one.
	person int64
	// campaign is a draft notice campaign of the breach; templates is the
	// key of the organization's own copy of a notice template set.
	campaign  int64
	templates string
	// letters is a print file of the campaign's letters.
	letters int64
	// rule is a catalogue key with a part and templateURL the page of the
	// organization's template set, for the page tests.
	rule, templateURL string
}

func newTenant(t *testing.T, e *apptest.Env, slug string) *tenant {
	t.Helper()
	tn := &tenant{slug: slug, org: e.Org(slug)}
	tn.admin = e.User("admin@"+slug+".example", tn.org, auth.RoleAdmin)
	tn.po = e.User("po@"+slug+".example", tn.org, auth.RolePrivacyOfficer)
	tn.legal = e.User("legal@"+slug+".example", tn.org, auth.RoleLegal)
	tn.viewer = e.User("viewer@"+slug+".example", tn.org, auth.RoleViewer)
	u, err := e.App.Auth.UserByEmail(context.Background(), "viewer@"+slug+".example")
	if err != nil {
		t.Fatal(err)
	}
	tn.viewerUser = u.ID
	res := e.Do("POST", "/api/v1/breaches", tn.po, map[string]any{"organization": slug, "title": "Files of " + slug,
		"description": "A courier lost a box of paper files.", "kinds": []string{"loss"},
		"events": []map[string]string{{"kind": "discovered", "at": "2025-03-10T09:30:00-04:00", "zone": "America/Toronto"}}})
	var b struct {
		ID     int64
		Events []struct{ ID int64 }
	}
	if res.Status != http.StatusCreated {
		t.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &b)
	tn.breach, tn.event = b.ID, b.Events[0].ID
	tn.obligation = insertObligation(t, e, tn.org.ID, tn.breach)
	tn.document = generate(t, e, tn.po, tn.breach, map[string]any{"kind": "summary"}, http.StatusCreated).ID
	res = e.Do("POST", "/api/v1/organizations/"+slug+"/register", tn.po, map[string]any{})
	var reg struct{ ID int64 }
	res.JSON(t, &reg)
	tn.register = reg.ID
	imp, err := roster.Queue(context.Background(), e.App.DB.Gorm, nil, tn.breach,
		roster.Upload{Path: "/nonexistent/" + slug, FileName: slug + ".csv", SHA256: strings.Repeat("a", 64), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	tn.imp = imp.ID
	tn.person = insertFlaggedPerson(t, e, tn.breach)
	res = e.Do("POST", "/api/v1/organizations/"+slug+"/members", tn.admin, map[string]string{"email": "invited@" + slug + ".example", "role": "viewer"})
	var inv struct{ Invitation struct{ ID int64 } }
	res.JSON(t, &inv)
	tn.invitation = inv.Invitation.ID
	res = e.Do("POST", "/api/v1/organizations/"+slug+"/members", tn.admin, map[string]string{"email": "invited2@" + slug + ".example", "role": "viewer"})
	res.JSON(t, &inv)
	tn.invitationToResend = inv.Invitation.ID
	res = e.Do("POST", "/api/v1/tokens", tn.admin, map[string]string{"name": "ci"})
	var tok struct{ Details struct{ ID int64 } }
	res.JSON(t, &tok)
	tn.token = tok.Details.ID
	res = e.Do("POST", "/api/v1/organizations/"+slug+"/notice-templates", tn.po, map[string]string{"from": "general", "name": "Ours"})
	var set struct{ Key string }
	res.JSON(t, &set)
	tn.templates = strings.TrimPrefix(set.Key, "org:")
	res = e.Do("POST", fmt.Sprintf("/api/v1/breaches/%d/campaigns", tn.breach), tn.po,
		map[string]string{"name": "Notice", "template_set": "general", "default_language": "en"})
	var cp struct{ ID int64 }
	res.JSON(t, &cp)
	if cp.ID == 0 || tn.templates == "" {
		t.Fatalf("campaign %d, templates %q", cp.ID, tn.templates)
	}
	tn.campaign = cp.ID
	now := time.Now().UTC()
	if err := e.App.DB.Gorm.Exec(`INSERT INTO letter_batches (campaign_id, seq, letters, pages, pdf, manifest, sha256, created_at)
		VALUES (?, 1, 0, 0, ?, ?, '', ?)`, cp.ID, []byte("%PDF-"), []byte("letter\n"), now).Error; err != nil {
		t.Fatal(err)
	}
	e.App.DB.Gorm.Raw("SELECT id FROM letter_batches WHERE campaign_id = ?", cp.ID).Scan(&tn.letters)
	return tn
}

// insertFlaggedPerson imports one person twice, so that the second row is
// flagged as repeating the first, and returns the second's id.
func insertFlaggedPerson(t *testing.T, e *apptest.Env, breachID int64) int64 {
	t.Helper()
	ann := apptest.Person{Name: "Ann Lee", Email: "ann@example.com", Region: "CA-ON"}
	e.People(breachID, ann, ann)
	var id int64
	e.App.DB.Gorm.Raw("SELECT id FROM affected_people WHERE breach_id = ? AND review = 'duplicate'", breachID).Scan(&id)
	if id == 0 {
		t.Fatal("the repeated person was not flagged")
	}
	return id
}

// insertObligation stores one pending, dated obligation of the breach.
func insertObligation(t *testing.T, e *apptest.Env, orgID, breachID int64) int64 {
	t.Helper()
	g, now := e.App.DB.Gorm, time.Now().UTC()
	err := g.Exec(`INSERT INTO obligations (breach_id, organization_id, rule_key, rule_id, rule_version, jurisdiction, recipient,
		required, due_at, citation, rule_status, status, evaluated_at, created_at, updated_at)
		VALUES (?, ?, 'TEST-SEC', 'TEST-SEC', '1', 'EU', '{"kind":"regulator","name":"Authority"}',
		?, ?, 'Art. 1', 'verified', 'pending', ?, ?, ?)`, breachID, orgID, true, now.Add(72*time.Hour), now, now, now).Error
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := g.Raw("SELECT id FROM obligations WHERE breach_id = ? AND rule_key = 'TEST-SEC'", breachID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// idRoutes are the API routes that address a record of an organization,
// with a body that is valid for the caller's own record. A new route with
// a path parameter must be added here (or to sharedRoutes) to pass.
var idRoutes = map[string]func() any{
	"GET /api/v1/organizations/:org":                         nil,
	"PATCH /api/v1/organizations/:org":                       func() any { return map[string]any{"name": "Renamed"} },
	"GET /api/v1/organizations/:org/members":                 nil,
	"POST /api/v1/organizations/:org/members":                func() any { return map[string]any{"email": "new@example.org", "role": "viewer"} },
	"DELETE /api/v1/organizations/:org/members/:user":        nil,
	"GET /api/v1/organizations/:org/invitations":             nil,
	"DELETE /api/v1/organizations/:org/invitations/:id":      nil,
	"POST /api/v1/organizations/:org/invitations/:id/resend": nil,
	"GET /api/v1/organizations/:org/documents":               nil,
	"POST /api/v1/organizations/:org/register":               func() any { return map[string]any{} },
	"POST /api/v1/organizations/:org/statistics":             func() any { return map[string]any{"kind": "phipa-annual-stats", "year": 2025} },
	"GET /api/v1/breaches/:id":                               nil,
	"PATCH /api/v1/breaches/:id":                             func() any { return map[string]any{"title": "Renamed"} },
	"POST /api/v1/breaches/:id/events":                       func() any { return map[string]any{"kind": "contained", "at": "2025-03-11T09:00:00Z", "zone": "UTC"} },
	"DELETE /api/v1/breaches/:id/events/:event":              nil,
	"PUT /api/v1/breaches/:id/answers/:question":             func() any { return map[string]any{"value": "risk"} },
	"GET /api/v1/breaches/:id/obligations":                   nil,
	"GET /api/v1/breaches/:id/obligations/:oid/history":      nil,
	"POST /api/v1/breaches/:id/obligations/:oid/status":      func() any { return map[string]any{"status": "filed", "reference": "R-1"} },
	"GET /api/v1/breaches/:id/documents":                     nil,
	"POST /api/v1/breaches/:id/documents":                    func() any { return map[string]any{"kind": "summary"} },
	"GET /api/v1/breaches/:id/documents/missing":             nil,
	"GET /api/v1/documents/:id":                              nil,
	"GET /api/v1/documents/:id/pdf":                          nil,
	"GET /api/v1/documents/:id/csv":                          nil,
	"POST /api/v1/documents/:id/filing": func() any {
		return map[string]any{"filed_at": time.Now().UTC().Format(time.RFC3339), "reference": "R-2"}
	},
	"POST /api/v1/breaches/:id/imports":                func() any { return map[string]any{} },
	"GET /api/v1/imports/:id":                          nil,
	"GET /api/v1/imports/:id/rejects.csv":              nil,
	"GET /api/v1/breaches/:id/roster/counts":           nil,
	"GET /api/v1/breaches/:id/roster/export.csv":       nil,
	"GET /api/v1/breaches/:id/people":                  nil,
	"POST /api/v1/people/:id/review":                   func() any { return map[string]any{"decision": "distinct"} },
	"POST /api/v1/imports/:id/review":                  func() any { return map[string]any{"decision": "confirmed"} },
	"DELETE /api/v1/tokens/:id":                        nil,
	"GET /api/v1/organizations/:org/notice-templates":  nil,
	"POST /api/v1/organizations/:org/notice-templates": func() any { return map[string]any{"from": "general", "name": "Copy"} },
	"PUT /api/v1/organizations/:org/notice-templates/:key/:lang": func() any {
		return map[string]any{"subject": "Notice", "text": "{{name}}", "html": "<p>{{name}}</p>", "letter": "{{name}}"}
	},
	"GET /api/v1/breaches/:id/campaigns": nil,
	"POST /api/v1/breaches/:id/campaigns": func() any {
		return map[string]any{"name": "Second", "template_set": "general", "default_language": "en"}
	},
	"GET /api/v1/campaigns/:id":                            nil,
	"PATCH /api/v1/campaigns/:id":                          func() any { return map[string]any{"name": "Renamed"} },
	"GET /api/v1/campaigns/:id/review":                     nil,
	"GET /api/v1/campaigns/:id/preview/:person":            nil,
	"POST /api/v1/campaigns/:id/approve":                   func() any { return map[string]any{"content_hash": "0"} },
	"POST /api/v1/campaigns/:id/send":                      nil,
	"POST /api/v1/campaigns/:id/pause":                     func() any { return map[string]any{"reason": "checking"} },
	"POST /api/v1/campaigns/:id/resume":                    nil,
	"POST /api/v1/campaigns/:id/cancel":                    nil,
	"POST /api/v1/campaigns/:id/retry-failed":              nil,
	"GET /api/v1/campaigns/:id/progress":                   nil,
	"GET /api/v1/campaigns/:id/deliveries":                 nil,
	"GET /api/v1/campaigns/:id/evidence":                   nil,
	"GET /api/v1/campaigns/:id/substitute":                 nil,
	"GET /api/v1/campaigns/:id/bounces":                    nil,
	"POST /api/v1/campaigns/:id/obligation-done":           nil,
	"GET /api/v1/campaigns/:id/deliveries.csv":             nil,
	"GET /api/v1/campaigns/:id/letters":                    nil,
	"POST /api/v1/campaigns/:id/letters":                   nil,
	"GET /api/v1/campaigns/:id/letters/:file/pdf":          nil,
	"GET /api/v1/campaigns/:id/letters/:file/manifest.csv": nil,
	"POST /api/v1/campaigns/:id/letters/:file/printed":     nil,
	"POST /api/v1/campaigns/:id/letters/:file/mailed":      nil,
	"POST /api/v1/campaigns/:id/returned":                  func() any { return []byte("delivery_id\n1\n") },
	"GET /api/v1/organizations/:org/audit":                 nil,
	"GET /api/v1/organizations/:org/audit.csv":             nil,
	"GET /api/v1/organizations/:org/audit/verification":    nil,
	"GET /api/v1/breaches/:id/audit":                       nil,
	"GET /api/v1/breaches/:id/audit.csv":                   nil,
}

// sharedRoutes have path parameters that name no organization's record.
var sharedRoutes = map[string]string{
	"POST /api/v1/calendars/:id/closures": "calendars are shared; the id is a calendar name",
}

// pathFor fills a route's parameters: ids from parent for the first
// parameter and from child for a nested one.
func pathFor(route string, parent, child *tenant) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		switch s {
		case ":org":
			segs[i] = parent.slug
		case ":user":
			segs[i] = fmt.Sprint(child.viewerUser)
		case ":event":
			segs[i] = fmt.Sprint(child.event)
		case ":oid":
			segs[i] = fmt.Sprint(child.obligation)
		case ":question":
			segs[i] = "gdpr_risk"
		case ":person":
			segs[i] = fmt.Sprint(child.person)
		case ":key":
			segs[i] = child.templates
		case ":lang":
			segs[i] = "en"
		case ":file":
			segs[i] = fmt.Sprint(child.letters)
		case ":id":
			doc := parent.document
			if strings.HasSuffix(route, "/csv") {
				doc = parent.register
			}
			inv := parent.invitation
			if strings.HasSuffix(route, "/resend") {
				inv = parent.invitationToResend
			}
			segs[i] = fmt.Sprint(map[string]int64{"breaches": parent.breach, "documents": doc,
				"imports": parent.imp, "tokens": parent.token, "people": parent.person, "invitations": inv,
				"campaigns": parent.campaign}[segs[i-1]])
		}
	}
	return strings.Join(segs, "/")
}

func apiRoutes(e *apptest.Env) []string {
	var out []string
	for _, r := range e.Server.Engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	sort.Strings(out)
	return out
}

func splitRoute(route string) (string, string) {
	m, p, _ := strings.Cut(route, " ")
	return m, p
}

// otherBodies are valid bodies of the write routes that take no record id.
var otherBodies = map[string]func() any{
	"POST /api/v1/breaches": func() any {
		return map[string]any{"organization": "acme", "title": "New", "kinds": []string{"loss"}}
	},
	"POST /api/v1/organizations":          func() any { return map[string]any{"slug": "newco", "name": "New Co"} },
	"POST /api/v1/calendars/:id/closures": func() any { return map[string]any{"date": "2025-12-29", "name": "Storm"} },
}

func bodyOf(route string) any {
	if f := idRoutes[route]; f != nil {
		return f()
	}
	if f := otherBodies[route]; f != nil {
		return f()
	}
	return nil
}

// TestOtherOrganizationsRecordsAreNotFound calls every route that takes an
// id, as an admin of acme, with globex's ids (and with acme's breach or
// organization around globex's nested ids): each answers 404 and changes
// nothing. The same calls on acme's own records are not refused, so the
// 404s come from the organization check.
func TestOtherOrganizationsRecordsAreNotFound(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a, b := newTenant(t, e, "acme"), newTenant(t, e, "globex")
		var routes []string
		for _, r := range apiRoutes(e) {
			if !strings.Contains(r, ":") {
				continue
			}
			if _, ok := sharedRoutes[r]; ok {
				continue
			}
			if _, ok := idRoutes[r]; !ok {
				t.Errorf("route %s takes an id but is not in idRoutes: add it with a valid body", r)
				continue
			}
			routes = append(routes, r)
		}
		var auditBefore int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE organization_id = ?", b.org.ID).Scan(&auditBefore)
		for _, r := range routes {
			method, route := splitRoute(r)
			paths := []string{pathFor(route, b, b)}
			if nested := pathFor(route, a, b); strings.Contains(route, ":event") || strings.Contains(route, ":oid") || strings.Contains(route, ":user") ||
				strings.Contains(route, ":person") || strings.Contains(route, ":file") {
				paths = append(paths, nested)
			}
			for _, p := range paths {
				if res := e.Do(method, p, a.admin, bodyOf(r)); res.Status != http.StatusNotFound {
					t.Errorf("%s %s as acme's admin: %d %s, want 404", method, p, res.Status, res.Body)
				}
			}
		}
		var auditAfter int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE organization_id = ?", b.org.ID).Scan(&auditAfter)
		if auditAfter != auditBefore {
			t.Errorf("refused calls wrote %d audit entries in globex", auditAfter-auditBefore)
		}
		var gb struct {
			Title  string
			Events []struct{ ID int64 }
		}
		e.Do("GET", fmt.Sprintf("/api/v1/breaches/%d", b.breach), b.admin, nil).JSON(t, &gb)
		if gb.Title != "Files of globex" || len(gb.Events) != 1 {
			t.Errorf("globex's breach changed: %+v", gb)
		}
		for _, r := range routes {
			method, route := splitRoute(r)
			p := pathFor(route, a, a)
			if res := e.Do(method, p, a.admin, bodyOf(r)); res.Status == http.StatusNotFound ||
				res.Status == http.StatusForbidden || res.Status >= 500 {
				t.Errorf("%s %s on acme's own record: %d %s", method, p, res.Status, res.Body)
			}
		}
	})
}

// selfService are the non-GET API routes that act only on the caller's own
// account or on nothing stored, so any member may call them.
var selfService = map[string]bool{
	"POST /api/v1/tokens":              true,
	"POST /api/v1/me/password":         true,
	"PATCH /api/v1/me":                 true,
	"DELETE /api/v1/tokens/:id":        true,
	"POST /api/v1/me/calendar-token":   true,
	"DELETE /api/v1/me/calendar-token": true,
	"POST /api/v1/assessments":         true,
}

func concretePath(route string, tn *tenant) string {
	if strings.HasPrefix(route, "/api/v1/calendars/:id") {
		return strings.Replace(route, ":id", "ON", 1)
	}
	return pathFor(route, tn, tn)
}

// doSession calls the API with a session cookie and, when csrf is not
// empty, the CSRF header.
func doSession(t *testing.T, e *apptest.Env, method, path, cookie, csrf string) int {
	t.Helper()
	req, err := http.NewRequest(method, e.HTTP.URL+path, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "breachline_session", Value: cookie})
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestEveryAPIRouteNeedsCredentials: without a token every API route is
// 401; with a session cookie every state-changing route also needs the
// CSRF token (403 without it, or with another session's).
func TestEveryAPIRouteNeedsCredentials(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		u, err := e.App.Auth.UserByEmail(context.Background(), "admin@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		cookie, _, err := e.App.Auth.CreateSession(context.Background(), u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, otherCSRF, err := e.App.Auth.CreateSession(context.Background(), u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range apiRoutes(e) {
			method, route := splitRoute(r)
			p := concretePath(route, a)
			if res := e.Do(method, p, "", bodyOf(r)); res.Status != http.StatusUnauthorized {
				t.Errorf("%s %s without credentials: %d", method, p, res.Status)
			}
			if method == "GET" {
				continue
			}
			for _, csrf := range []string{"", otherCSRF} {
				if got := doSession(t, e, method, p, cookie, csrf); got != http.StatusForbidden {
					t.Errorf("%s %s with a session and CSRF %q: %d, want 403", method, p, csrf, got)
				}
			}
		}
	})
}

// TestViewerCannotChangeAnything: a viewer is refused (403) on every
// state-changing route of its own organization's records except its own
// tokens and the stateless assessment.
func TestViewerCannotChangeAnything(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		for _, r := range apiRoutes(e) {
			method, route := splitRoute(r)
			if method == "GET" || selfService[r] {
				continue
			}
			p := concretePath(route, a)
			if res := e.Do(method, p, a.viewer, bodyOf(r)); res.Status != http.StatusForbidden {
				t.Errorf("viewer %s %s: %d %s, want 403", method, p, res.Status, res.Body)
			}
		}
	})
}

// TestRolesNeedTheirPermission checks the permissions that only some
// writing roles hold: approval (legal, admin), administration (admin) and
// the export of personal data (privacy officer, admin).
func TestRolesNeedTheirPermission(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		a := newTenant(t, e, "acme")
		status := fmt.Sprintf("/api/v1/breaches/%d/obligations/%d/status", a.breach, a.obligation)
		export := fmt.Sprintf("/api/v1/breaches/%d/roster/export.csv", a.breach)
		people := fmt.Sprintf("/api/v1/breaches/%d/people", a.breach)
		waive := map[string]any{"status": "waived", "rationale": "Encrypted at rest with the key held elsewhere."}
		cases := []struct {
			name, method, path, token string
			body                      any
			want                      int
		}{
			{"privacy officer waives", "POST", status, a.po, waive, 403},
			{"legal files", "POST", status, a.legal, map[string]any{"status": "filed"}, 403},
			{"privacy officer edits organization", "PATCH", "/api/v1/organizations/acme", a.po, map[string]any{"name": "X"}, 403},
			{"legal adds member", "POST", "/api/v1/organizations/acme/members", a.legal, map[string]any{"email": "x@acme.example", "role": "admin"}, 403},
			{"privacy officer removes member", "DELETE", fmt.Sprintf("/api/v1/organizations/acme/members/%d", a.viewerUser), a.po, nil, 403},
			{"privacy officer adds closure", "POST", "/api/v1/calendars/ON/closures", a.po, map[string]any{"date": "2025-12-29", "name": "Storm"}, 403},
			{"privacy officer creates organization", "POST", "/api/v1/organizations", a.po, map[string]any{"slug": "new", "name": "New"}, 403},
			{"legal exports roster", "GET", export, a.legal, nil, 403},
			{"viewer exports roster", "GET", export, a.viewer, nil, 403},
			{"privacy officer exports roster", "GET", export, a.po, nil, 200},
			{"viewer pages through the roster", "GET", people, a.viewer, nil, 403},
			{"legal pages through the roster", "GET", people, a.legal, nil, 403},
			{"privacy officer pages through the roster", "GET", people, a.po, nil, 200},
			{"legal waives", "POST", status, a.legal, waive, 200},
		}
		for _, c := range cases {
			if res := e.Do(c.method, c.path, c.token, c.body); res.Status != c.want {
				t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.want)
			}
		}
		var n int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'roster.export' AND object_id = ?", fmt.Sprint(a.breach)).Scan(&n)
		if n != 1 {
			t.Errorf("roster exports audited %d times, want 1 (refusals are not exports)", n)
		}
		e.App.DB.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'roster.view' AND object_id = ?", fmt.Sprint(a.breach)).Scan(&n)
		if n != 1 {
			t.Errorf("roster page reads audited %d times, want 1", n)
		}
	})
}

// TestAPITokensAreAudited: issuing and revoking an API token is recorded
// in the audit log with the user who did it, never with the secret.
func TestAPITokensAreAudited(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		org := e.Org("acme")
		admin := e.User("admin@acme.example", org, auth.RoleAdmin)
		res := e.Do("POST", "/api/v1/tokens", admin, map[string]string{"name": "deploy"})
		var created struct {
			Token   string
			Details struct{ ID int64 }
		}
		res.JSON(t, &created)
		if s := e.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.Details.ID), admin, nil).Status; s != 204 {
			t.Fatalf("revoke: %d", s)
		}
		for _, action := range []string{"api_token.create", "api_token.revoke"} {
			var rows []struct{ Actor, Details, RequestID string }
			e.App.DB.Gorm.Raw("SELECT actor, details, request_id FROM audit_log WHERE action = ? AND object_id = ?",
				action, fmt.Sprint(created.Details.ID)).Scan(&rows)
			if len(rows) != 1 || rows[0].Actor != "admin@acme.example" || rows[0].RequestID == "" {
				t.Errorf("%s audited as %+v", action, rows)
			}
			for _, r := range rows {
				if strings.Contains(r.Details, created.Token) {
					t.Errorf("%s audit holds the token", action)
				}
			}
		}
	})
}
