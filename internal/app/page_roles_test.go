package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/incident"
)

// Who may open a signed-in page, by role in the record's organization.
var (
	everyMember  = []string{"admin", "po", "legal", "viewer"}
	writers      = []string{"admin", "po"}
	personalData = []string{"admin", "po"} // ExportPersonalData
	auditReaders = []string{"admin", "legal"}
	adminsOnly   = []string{"admin"}
)

// pageRoles is every page a session opens (GET), with the roles that may
// open it. A page route missing here fails TestEveryPageRouteByRole.
var pageRoles = map[string][]string{
	"GET /account":                          everyMember,
	"GET /admin":                            everyMember, // a redirect to the members page
	"GET /admin/calendars":                  everyMember,
	"GET /admin/members":                    adminsOnly,
	"GET /admin/organization":               everyMember, // read-only but for admins
	"GET /admin/organization/rename":        adminsOnly,
	"GET /admin/organizations/new":          adminsOnly, // an administrator of any organization
	"GET /breaches":                         everyMember,
	"GET /breaches/new":                     writers,
	"GET /breaches/:id":                     everyMember,
	"GET /breaches/:id/audit":               auditReaders,
	"GET /breaches/:id/audit.csv":           auditReaders,
	"GET /breaches/:id/campaigns":           everyMember,
	"GET /breaches/:id/documents":           everyMember,
	"GET /breaches/:id/edit":                writers,
	"GET /breaches/:id/incident":            everyMember, // forms only for writers
	"GET /breaches/:id/incident/preview":    everyMember,
	"GET /breaches/:id/obligations/:oid":    everyMember,
	"GET /breaches/:id/people":              personalData,
	"GET /breaches/:id/people/:pid":         personalData,
	"GET /breaches/:id/questions":           everyMember,
	"GET /breaches/:id/review":              personalData,
	"GET /breaches/:id/timeline":            everyMember,
	"GET /campaigns/:id":                    everyMember,
	"GET /campaigns/:id/deliveries":         personalData,
	"GET /campaigns/:id/samples/:person":    {"admin", "po", "legal"}, // viewers see counts, not people
	"GET /deadlines":                        everyMember,
	"GET /deadlines/calendar":               everyMember,
	"GET /imports/:id":                      everyMember,
	"GET /notice-templates/:org":            everyMember,
	"GET /notice-templates/:org/:key/:lang": everyMember,
	"GET /rules":                            everyMember,
	"GET /rules/:id":                        everyMember,
	"GET /rules/:id/:part":                  everyMember,
}

// openPages need no session: sign-in and its recovery links, invitations,
// the public pages for affected people, health checks, static files and
// the calendar feed (its address is its credential). Each has tests of
// its own.
var openPages = map[string]bool{
	"GET /signin": true, "GET /password/forgot": true, "GET /password/reset/:token": true,
	"GET /signin/unlock/:token": true, "GET /invitations/:token": true,
	"GET /verify": true, "GET /verify/:code": true, "GET /incidents/:slug": true, "GET /incidents/org/:slug": true,
	"GET /":        true, // a redirect to /breaches, which asks for a session
	"GET /healthz": true, "GET /readyz": true, "GET /static/*filepath": true, "GET /calendar/:file": true,
}

// TestEveryPageRouteByRole opens every signed-in page as each role of the
// record's organization, as an administrator of another organization and
// signed out: a role the table allows gets the page (or a redirect within
// the workspace), any other role an HTML 403 or 404, another organization's
// administrator a 404 for a record that is not theirs, and a visitor
// without a session the sign-in page. A page route in neither table fails.
func TestEveryPageRouteByRole(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			everyPageByRole(t, apptest.New(t, dialect))
		})
	}
}

func everyPageByRole(t *testing.T, e *apptest.Env) {
	acme, globex := newTenant(t, e, "acme"), newTenant(t, e, "globex")
	acme.rule = ruleWithPart(t, e)
	globex.rule = acme.rule
	acme.templateURL = firstLink(t, getPage(t, e, signedIn(t, e, "admin@acme.example").cookie, "/notice-templates/acme").Body, "/notice-templates/acme/")
	draftIncident(t, e, acme)
	sessions := map[string]string{}
	for role, email := range map[string]string{"admin": "admin@acme.example", "po": "po@acme.example",
		"legal": "legal@acme.example", "viewer": "viewer@acme.example", "other": "admin@globex.example"} {
		sessions[role] = signedIn(t, e, email).cookie
	}
	for _, r := range e.Server.Engine.Routes() {
		route := r.Method + " " + r.Path
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/api/") || openPages[route] {
			continue
		}
		allowed, ok := pageRoles[route]
		if !ok {
			t.Errorf("%s is in neither pageRoles nor openPages: say who may open it", route)
			continue
		}
		path := pagePath(r.Path, acme, acme)
		record := strings.Contains(r.Path, ":") && !strings.HasPrefix(r.Path, "/rules/")
		for _, role := range append(slices.Clone(everyMember), "other", "anonymous") {
			res := getPage(t, e, sessions[role], path)
			checkPageAnswer(t, route, role, res, slices.Contains(allowed, role), record)
		}
		// Another organization's administrator with their own breach but
		// acme's nested record is refused too.
		if record && strings.Contains(r.Path, "/:id/") && strings.Count(r.Path, ":") > 1 && !strings.Contains(r.Path, ":org") {
			res := getPage(t, e, sessions["other"], pagePath(r.Path, globex, acme))
			if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
				t.Errorf("%s as globex's admin with acme's nested record: %d", route, res.Status)
			}
		}
	}
}

// checkPageAnswer checks one role's answer to one page.
func checkPageAnswer(t *testing.T, route, role string, res pageResponse, allowed, addressesRecord bool) {
	t.Helper()
	html := strings.HasPrefix(res.Type, "text/html")
	switch {
	case role == "anonymous":
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/signin") {
			t.Errorf("%s signed out: %d %q, want the sign-in page", route, res.Status, res.Location)
		}
	case role == "other" && addressesRecord:
		if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden || !html && !strings.HasSuffix(route, ".csv") {
			t.Errorf("%s as another organization's admin: %d %s, want an HTML 404", route, res.Status, res.Type)
		}
	case role == "other":
		if res.Status >= 400 {
			t.Errorf("%s as another organization's admin (their own view): %d", route, res.Status)
		}
	case allowed:
		if res.Status >= 400 || res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/signin") {
			t.Errorf("%s as %s: %d %q, want the page", route, role, res.Status, res.Location)
		}
	default:
		if res.Status != http.StatusForbidden && res.Status != http.StatusNotFound || !html {
			t.Errorf("%s as %s: %d %s, want an HTML 403 or 404", route, role, res.Status, res.Type)
		}
	}
}

// pagePath fills a page route's parameters: the breach, campaign and
// import of parent, the nested records of child.
func pagePath(route string, parent, child *tenant) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		switch s {
		case ":org":
			segs[i] = parent.slug
		case ":oid":
			segs[i] = fmt.Sprint(child.obligation)
		case ":pid", ":person":
			segs[i] = fmt.Sprint(child.person)
		case ":key", ":lang":
			// The organization's own copy of a template set, as its page links it.
			segs[i] = strings.Split(parent.templateURL, "/")[i]
		case ":part":
			segs[i] = strings.Split(parent.rule, "/")[1]
		case ":id":
			switch segs[i-1] {
			case "breaches":
				segs[i] = fmt.Sprint(parent.breach)
			case "campaigns":
				segs[i] = fmt.Sprint(parent.campaign)
			case "imports":
				segs[i] = fmt.Sprint(parent.imp)
			case "rules":
				segs[i] = strings.Split(parent.rule, "/")[0]
			}
		}
	}
	return strings.Join(segs, "/")
}

// ruleWithPart is a catalogue key with a part (US-TX/ag), for the rule
// page's second route.
func ruleWithPart(t *testing.T, e *apptest.Env) string {
	t.Helper()
	for _, k := range e.App.Obligations.Catalogue().Keys() {
		if strings.Count(k, "/") == 1 && !strings.Contains(k, "@") {
			return k
		}
	}
	t.Fatal("no catalogue key has a part")
	return ""
}

// firstLink is the first href in page that starts with prefix.
func firstLink(t *testing.T, page, prefix string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `href="`+prefix)
	if !ok {
		t.Fatalf("no link to %s… in the page", prefix)
	}
	link, _, _ := strings.Cut(rest, `"`)
	link, _, _ = strings.Cut(link, "?")
	return prefix + link
}

// draftIncident saves a draft of the tenant's public incident page, so
// that its preview has something to show.
func draftIncident(t *testing.T, e *apptest.Env, tn *tenant) {
	t.Helper()
	u, err := e.App.Auth.UserByEmail(context.Background(), "po@"+tn.slug+".example")
	if err != nil {
		t.Fatal(err)
	}
	call := breach.Call{P: &auth.Principal{User: u, Memberships: map[int64]auth.Role{tn.org.ID: auth.RolePrivacyOfficer}}}
	_, err = e.App.Incidents.SaveDraft(context.Background(), call, tn.breach, incident.DraftInput{Content: incident.Content{
		Texts: map[string]incident.Texts{"en": {Title: "Files were lost", WhatHappened: "A courier lost a box of paper files.",
			WhatWeAreDoing: "We are searching for the box.", WhatYouCanDo: "Watch your mail.", Contact: "privacy@example.org"}}}})
	if err != nil {
		t.Fatalf("draft the incident page: %v", err)
	}
}
