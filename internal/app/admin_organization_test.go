package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
)

// orgSettings is a complete settings form for acme, as the page sends it.
func orgSettings(f *adminFixture, change func(url.Values)) url.Values {
	v := url.Values{"org": {f.acmeID}, "name": {"Org acme"}, "legal_name": {"Acme Health Inc."}, "home_jurisdiction": {"CA-ON"},
		"time_zone": {"America/Toronto"}, "internal_target_hours": {"48"}, "default_language": {"fr"}, "contact_name": {"Privacy Office"},
		"contact_email": {"privacy@acme.example"}, "contact_phone": {"416-555-0100"}, "address": {"1 Main St\nToronto"},
		"contact_retention_days": {"400"}, "roles": {"hic"}, "sectors": {"health"}}
	if change != nil {
		change(v)
	}
	return v
}

// phipaIndividuals says whether the breach's PHIPA notice to individuals
// is required: "true", "false", "undetermined" or "absent".
func phipaIndividuals(t *testing.T, e *apptest.Env, breachID int64) string {
	t.Helper()
	ctx := context.Background()
	u, err := e.App.Auth.UserByEmail(ctx, apptest.OperatorEmail)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Auth.Principal(ctx, u, "cli", 0)
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.App.Obligations.List(ctx, p, breachID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Obligations {
		if o.RuleKey == "ON-PHIPA-IND" && o.Considered {
			if o.Required == nil {
				return "undetermined"
			}
			return strconv.FormatBool(*o.Required)
		}
	}
	return "absent"
}

// TestAdminOrganizationSettings: the administrator saves the settings
// that decide applicability, and the open breach's obligations are worked
// out again at once (becoming a PHIPA custodian makes the notice to
// individuals required); problems are shown by field with what was typed
// kept; other members read the settings without a form and get 403 if
// they post anyway; another organization's administrator gets 404; a post
// without the form token is refused.
func TestAdminOrganizationSettings(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		tok := e.User("po@acme.example", f.acme, auth.RolePrivacyOfficer)
		breachID := e.Breach(tok, newBreach)
		before := phipaIndividuals(t, e, breachID)
		if before == "true" {
			t.Fatal("PHIPA applies before acme is a custodian")
		}
		page, _ := f.admin.get("/admin/organization")
		mustContain(t, page.Body, `action="/admin/organization"`, `id="time_zone"`, `id="role-hic"`)
		page, _ = f.viewer.get("/admin/organization")
		if page.Status != http.StatusOK || strings.Contains(page.Body, `action="/admin/organization"`) || !strings.Contains(page.Body, "Only the organization") {
			t.Fatalf("viewer's page: %d", page.Status)
		}
		refusedWithoutTrace(t, "viewer saves", f.viewer.post("/breaches", "/admin/organization", orgSettings(f, nil)), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider reads", f.outsider.do("GET", "/admin/organization?org="+f.acmeID, nil), http.StatusNotFound)
		refusedWithoutTrace(t, "outsider saves", f.outsider.post("/breaches", "/admin/organization", orgSettings(f, nil)), http.StatusNotFound)
		if r := f.admin.do("POST", "/admin/organization", orgSettings(f, nil)); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}
		bad := f.admin.post("/admin/organization", "/admin/organization", orgSettings(f, func(v url.Values) {
			v.Set("time_zone", "Mars/Olympus")
			v.Set("home_jurisdiction", "Ontario")
		}))
		if bad.Status != http.StatusBadRequest {
			t.Fatalf("bad settings: %d", bad.Status)
		}
		mustContain(t, bad.Body, `id="time_zone-error"`, `id="home_jurisdiction-error"`, `value="Mars/Olympus"`, "An IANA time zone")
		bad = f.admin.post("/admin/organization", "/admin/organization", orgSettings(f, func(v url.Values) { v.Set("internal_target_hours", "soon") }))
		if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `id="internal_target_hours-error"`) {
			t.Fatalf("hours not a number: %d", bad.Status)
		}
		if got := phipaIndividuals(t, e, breachID); got != before {
			t.Fatalf("refused settings changed the obligations: %s", got)
		}
		r := f.admin.post("/admin/organization", "/admin/organization", orgSettings(f, nil))
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=saved") {
			t.Fatalf("save: %d %s", r.Status, r.Location)
		}
		o, err := e.App.Auth.OrganizationByRef(context.Background(), "acme")
		if err != nil || o.TimeZone != "America/Toronto" || o.InternalTargetHours != 48 || o.DefaultLanguage != "fr" || len(o.Roles) != 1 || o.Roles[0] != "hic" || o.ContactRetentionDays != 400 {
			t.Fatalf("stored: %+v %v", o, err)
		}
		if got := phipaIndividuals(t, e, breachID); got != "true" {
			t.Fatalf("after becoming a custodian, PHIPA notice to individuals is %s", got)
		}
		if !auditActions(t, e, f.acme.ID)["organization.update"] {
			t.Error("the change is not in the audit trail")
		}
	})
}
