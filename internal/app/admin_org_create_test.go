package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

// newOrgForm is a complete creation form, as the page sends it.
func newOrgForm(change func(url.Values)) url.Values {
	v := url.Values{"name": {"Clinic of Ontario"}, "slug": {"clinic"}, "legal_name": {"Clinic of Ontario Inc."},
		"home_jurisdiction": {"CA-ON"}, "time_zone": {"America/Toronto"}, "internal_target_hours": {"24"},
		"default_language": {"en"}, "contact_name": {"Privacy Office"}, "contact_email": {"privacy@clinic.example"},
		"contact_phone": {""}, "address": {""}, "contact_retention_days": {"365"}, "roles": {"hic"}, "sectors": {"health"}}
	if change != nil {
		change(v)
	}
	return v
}

// orgMissing fails unless no organization has slug.
func orgMissing(t *testing.T, e *apptest.Env, slug string) {
	t.Helper()
	if _, err := e.App.Auth.OrganizationByRef(context.Background(), slug); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("organization %s: %v, want none", slug, err)
	}
}

// setLanguage makes email's pages speak lang.
func setLanguage(t *testing.T, e *apptest.Env, email, lang string) {
	t.Helper()
	if _, err := e.App.Auth.SetLanguage(context.Background(), principalOf(t, e, email), "", lang); err != nil {
		t.Fatal(err)
	}
}

// TestAdminOrganizationCreate: an administrator finds the creation form
// in the administration navigation, sees each problem next to its field
// (a slug another organization uses among them, in the page's language),
// creates the organization with its settings, becomes its administrator
// and lands on its settings page; the creation is audited. A member who
// administers nothing gets no link and 403 on the page and the post, and
// a post without the form token is refused.
func TestAdminOrganizationCreate(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		page, _ := f.admin.get("/admin/organization")
		mustContain(t, page.Body, `href="/admin/organizations/new"`, `href="/admin/organization/rename?org=`+f.acmeID+`"`)
		page, _ = f.viewer.get("/admin/organization")
		if strings.Contains(page.Body, `href="/admin/organizations/new"`) || strings.Contains(page.Body, `/admin/organization/rename`) {
			t.Fatal("the viewer is offered to create or rename an organization")
		}
		page, _ = f.admin.get("/admin/organizations/new")
		if page.Status != http.StatusOK {
			t.Fatalf("form: %d", page.Status)
		}
		mustContain(t, page.Body, `action="/admin/organizations"`, `name="csrf_token"`, `id="slug"`, `id="home_jurisdiction"`,
			`id="default_language"`, `id="role-hic"`, `id="contact_retention_days"`)

		refusedWithoutTrace(t, "viewer opens", f.viewer.do("GET", "/admin/organizations/new", nil), http.StatusForbidden)
		refusedWithoutTrace(t, "viewer creates", f.viewer.post("/admin/organization", "/admin/organizations", newOrgForm(nil)), http.StatusForbidden)
		if r := f.admin.do("POST", "/admin/organizations", newOrgForm(nil)); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}
		orgMissing(t, e, "clinic")

		bad := f.admin.post("/admin/organizations/new", "/admin/organizations", newOrgForm(func(v url.Values) {
			v.Set("slug", "Clinic Ontario")
			v.Set("time_zone", "Mars/Olympus")
		}))
		if bad.Status != http.StatusBadRequest {
			t.Fatalf("bad form: %d", bad.Status)
		}
		mustContain(t, bad.Body, `id="slug-error"`, `id="time_zone-error"`, `value="Clinic Ontario"`, `value="Mars/Olympus"`,
			"2 to 63 lower-case letters", "An IANA time zone", `value="Clinic of Ontario"`)
		bad = f.admin.post("/admin/organizations/new", "/admin/organizations", newOrgForm(func(v url.Values) { v.Set("internal_target_hours", "soon") }))
		if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `id="internal_target_hours-error"`) {
			t.Fatalf("hours not a number: %d", bad.Status)
		}

		// A slug another organization uses, on a French page.
		setLanguage(t, e, apptest.OperatorEmail, "fr")
		dup := f.admin.post("/admin/organizations/new", "/admin/organizations", newOrgForm(func(v url.Values) { v.Set("slug", "beta") }))
		if dup.Status != http.StatusBadRequest {
			t.Fatalf("duplicate slug: %d", dup.Status)
		}
		mustContain(t, dup.Body, `id="slug-error"`, "Une autre organisation utilise déjà cet identifiant", `value="beta"`)
		setLanguage(t, e, apptest.OperatorEmail, "")
		orgMissing(t, e, "clinic")

		r := f.admin.post("/admin/organizations/new", "/admin/organizations", newOrgForm(nil))
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/organization?") || !strings.Contains(r.Location, "done=created") {
			t.Fatalf("create: %d %s", r.Status, r.Location)
		}
		o := mustOrg(t, e, "clinic")
		if o.Name != "Clinic of Ontario" || o.HomeJurisdiction != "CA-ON" || o.DefaultLanguage != "en" || o.TimeZone != "America/Toronto" ||
			o.InternalTargetHours != 24 || len(o.Roles) != 1 || o.Roles[0] != "hic" || o.ContactEmail != "privacy@clinic.example" {
			t.Fatalf("stored: %+v", o)
		}
		if !strings.Contains(r.Location, "org="+strconv.FormatInt(o.ID, 10)) {
			t.Fatalf("create lands on %s, not the new organization", r.Location)
		}
		if got := roleOf(t, e, o, memberID(t, e, apptest.OperatorEmail)); got != auth.RoleAdmin {
			t.Fatalf("the creator's role in the new organization: %q", got)
		}
		landed, _ := f.admin.get(r.Location)
		if landed.Status != http.StatusOK {
			t.Fatalf("landing: %d", landed.Status)
		}
		mustContain(t, landed.Body, "Settings of Clinic of Ontario", "The organization was created", `action="/admin/organization"`)
		if !auditActions(t, e, o.ID)["organization.create"] {
			t.Error("the creation is not in the audit trail")
		}
	})
}

// TestAdminOrganizationRename: the administrator changes the name alone
// without confirming, must tick the confirmation to change the slug, is
// told when the slug is another organization's, and after the change the
// organization answers to its new slug only; both changes are audited.
// The viewer gets 403 and another organization's administrator 404.
func TestAdminOrganizationRename(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		page, _ := f.admin.get("/admin/organization/rename?org=" + f.acmeID)
		if page.Status != http.StatusOK {
			t.Fatalf("form: %d", page.Status)
		}
		mustContain(t, page.Body, `action="/admin/organization/rename"`, `name="csrf_token"`, `value="acme"`, `id="confirm_slug"`,
			"Changing the slug breaks links", "stop working")
		form := func(name, slug string, confirm bool) url.Values {
			v := url.Values{"org": {f.acmeID}, "name": {name}, "slug": {slug}}
			if confirm {
				v.Set("confirm_slug", "on")
			}
			return v
		}
		refusedWithoutTrace(t, "viewer opens", f.viewer.do("GET", "/admin/organization/rename?org="+f.acmeID, nil), http.StatusForbidden)
		refusedWithoutTrace(t, "viewer renames", f.viewer.post("/admin/organization", "/admin/organization/rename", form("Taken over", "taken", true)), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider opens", f.outsider.do("GET", "/admin/organization/rename?org="+f.acmeID, nil), http.StatusNotFound)
		refusedWithoutTrace(t, "outsider renames", f.outsider.post("/admin/organization", "/admin/organization/rename", form("Taken over", "taken", true)), http.StatusNotFound)
		if r := f.admin.do("POST", "/admin/organization/rename", form("Acme Health", "acme", false)); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}

		r := f.admin.post("/admin/organization/rename?org="+f.acmeID, "/admin/organization/rename", form("Acme Health", "acme", false))
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=renamed") {
			t.Fatalf("rename: %d %s", r.Status, r.Location)
		}
		if o := mustOrg(t, e, "acme"); o.Name != "Acme Health" {
			t.Fatalf("name: %q", o.Name)
		}

		unconfirmed := f.admin.post("/admin/organization/rename?org="+f.acmeID, "/admin/organization/rename", form("Acme Health", "acme-health", false))
		if unconfirmed.Status != http.StatusBadRequest {
			t.Fatalf("slug change without confirmation: %d", unconfirmed.Status)
		}
		mustContain(t, unconfirmed.Body, `id="confirm_slug-error"`, "Tick this box", `value="acme-health"`)
		mustOrg(t, e, "acme")

		taken := f.admin.post("/admin/organization/rename?org="+f.acmeID, "/admin/organization/rename", form("Acme Health", "beta", true))
		if taken.Status != http.StatusBadRequest {
			t.Fatalf("another organization's slug: %d", taken.Status)
		}
		mustContain(t, taken.Body, `id="slug-error"`, "Another organization already uses this slug")
		if o := mustOrg(t, e, "beta"); o.ID != f.beta.ID {
			t.Fatal("beta's slug moved")
		}

		r = f.admin.post("/admin/organization/rename?org="+f.acmeID, "/admin/organization/rename", form("Acme Health", "acme-health", true))
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=renamed") {
			t.Fatalf("slug change: %d %s", r.Status, r.Location)
		}
		if o := mustOrg(t, e, "acme-health"); o.ID != f.acme.ID {
			t.Fatalf("acme-health is organization %d", o.ID)
		}
		orgMissing(t, e, "acme")
		done, _ := f.admin.get(r.Location)
		mustContain(t, done.Body, "The name and slug were saved", `value="acme-health"`)
		var details []string
		if err := e.App.DB.Gorm.Table("audit_log").Where("organization_id = ? AND action = ?", f.acme.ID, "organization.update").Order("id").
			Pluck("details", &details).Error; err != nil {
			t.Fatal(err)
		}
		if len(details) != 2 || !strings.Contains(details[1], "acme-health") {
			t.Fatalf("audit of the renames: %q", details)
		}
	})
}
