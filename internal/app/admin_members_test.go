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

// adminFixture is an organization with an administrator (who also
// operates the installation), a viewer, and another organization whose
// administrator must learn nothing about the first.
type adminFixture struct {
	e                  *apptest.Env
	acme, beta         auth.Organization
	admin, viewer      *browser
	outsider           *browser
	acmeID             string
	viewerID, betaUser int64
}

func newAdminFixture(t *testing.T, e *apptest.Env) *adminFixture {
	t.Helper()
	f := &adminFixture{e: e, acme: e.Org("acme"), beta: e.Org("beta")}
	e.User(apptest.OperatorEmail, f.acme, auth.RoleAdmin)
	e.User("viewer@acme.example", f.acme, auth.RoleViewer)
	e.User("boss@beta.example", f.beta, auth.RoleAdmin)
	f.acmeID = strconv.FormatInt(f.acme.ID, 10)
	f.admin, f.viewer, f.outsider = newBrowser(t, e), newBrowser(t, e), newBrowser(t, e)
	for b, email := range map[*browser]string{f.admin: apptest.OperatorEmail, f.viewer: "viewer@acme.example", f.outsider: "boss@beta.example"} {
		if r := b.signIn(email, "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in %s: %d", email, r.Status)
		}
	}
	f.viewerID = memberID(t, e, "viewer@acme.example")
	f.betaUser = memberID(t, e, "boss@beta.example")
	return f
}

func mustOrg(t *testing.T, e *apptest.Env, slug string) auth.Organization {
	t.Helper()
	o, err := e.App.Auth.OrganizationByRef(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func memberID(t *testing.T, e *apptest.Env, email string) int64 {
	t.Helper()
	u, err := e.App.Auth.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// roleOf returns a user's role in an organization ("" when not a member).
func roleOf(t *testing.T, e *apptest.Env, org auth.Organization, userID int64) auth.Role {
	t.Helper()
	members, err := e.App.Auth.Members(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.UserID == userID {
			return m.Role
		}
	}
	return ""
}

// refusedWithoutTrace checks a refused post: its status, an HTML page,
// and nothing of acme (its name, its administrator's address) in it.
func refusedWithoutTrace(t *testing.T, what string, r formResult, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d", what, r.Status, status)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: answered %s", what, r.Header.Get("Content-Type"))
	}
	for _, secret := range []string{apptest.OperatorEmail, "Org acme"} {
		if strings.Contains(r.Body, secret) {
			t.Fatalf("%s: the refusal shows %q", what, secret)
		}
	}
}

// TestAdminMembersPage: the administrator sees the members with their
// addresses and roles and the admin controls; a viewer gets 403 and no
// Administration link; another organization's administrator gets 404 for
// acme's page.
func TestAdminMembersPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		r, token := f.admin.get("/admin/members")
		if r.Status != http.StatusOK || token == "" {
			t.Fatalf("members page: %d", r.Status)
		}
		mustContain(t, r.Body, "viewer@acme.example", `action="/admin/members/invite"`, `name="org" value="`+f.acmeID+`"`, `href="/admin/members"`)
		if strings.Contains(r.Body, "boss@beta.example") {
			t.Fatal("acme's page lists beta's administrator")
		}
		if r, _ := f.viewer.get("/admin/members"); r.Status != http.StatusForbidden {
			t.Fatalf("viewer: %d", r.Status)
		}
		if r, _ := f.viewer.get("/breaches"); strings.Contains(r.Body, `href="/admin/members"`) || !strings.Contains(r.Body, `href="/rules"`) {
			t.Fatal("the viewer's navigation offers administration, or no rules")
		}
		refusedWithoutTrace(t, "other organization's page", f.outsider.do("GET", "/admin/members?org="+f.acmeID, nil), http.StatusNotFound)
		if r, _ := f.outsider.get("/admin/members"); !strings.Contains(r.Body, "boss@beta.example") || strings.Contains(r.Body, "viewer@acme.example") {
			t.Fatal("beta's administrator does not see their own organization only")
		}
		// An administrator of two organizations picks one.
		e.User(apptest.OperatorEmail, e.Org("gamma"), auth.RoleAdmin)
		e.User("staff@gamma.example", mustOrg(t, e, "gamma"), auth.RoleViewer)
		page, _ := f.admin.get("/admin/members")
		mustContain(t, page.Body, `id="org-pick"`, "Org gamma")
		page, _ = f.admin.get("/admin/members?org=" + strconv.FormatInt(mustOrg(t, e, "gamma").ID, 10))
		if !strings.Contains(page.Body, "staff@gamma.example") || strings.Contains(page.Body, "viewer@acme.example") {
			t.Fatal("the picked organization's members are not the ones shown")
		}
	})
}

// TestAdminInviteAndAccept: an invitation goes out by e-mail; the person
// sets their own password from the link, signs in, and is a member with
// the role chosen. A refused address is shown by field; a viewer's post is
// 403, a post without the form token is 403 and one for another
// organization 404, none of which invites anyone.
func TestAdminInviteAndAccept(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		invite := url.Values{"org": {f.acmeID}, "email": {"new.hire@acme.example"}, "role": {"legal"}}
		r := f.admin.post("/admin/members", "/admin/members/invite", url.Values{"org": {f.acmeID}, "email": {"not an address"}, "role": {"legal"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `id="invite-email-error"`) || !strings.Contains(r.Body, `value="not an address"`) {
			t.Fatalf("bad address: %d", r.Status)
		}
		refusedWithoutTrace(t, "viewer invites", f.viewer.post("/breaches", "/admin/members/invite", cloneValues(invite)), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider invites", f.outsider.post("/breaches", "/admin/members/invite", cloneValues(invite)), http.StatusNotFound)
		if r := f.admin.do("POST", "/admin/members/invite", cloneValues(invite)); r.Status != http.StatusForbidden {
			t.Fatalf("no form token: %d", r.Status)
		}
		e.App.Auth.Wait()
		if links := invitationLinks(t, e, "new.hire@acme.example"); len(links) != 0 {
			t.Fatalf("%d invitations sent by refused posts", len(links))
		}
		r = f.admin.post("/admin/members", "/admin/members/invite", cloneValues(invite))
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=invited") {
			t.Fatalf("invite: %d %s", r.Status, r.Location)
		}
		page, _ := f.admin.get(r.Location)
		mustContain(t, page.Body, "The invitation was sent", "new.hire@acme.example", "/resend", "/cancel")
		e.App.Auth.Wait()
		links := invitationLinks(t, e, "new.hire@acme.example")
		if len(links) != 1 {
			t.Fatalf("%d invitation mails", len(links))
		}
		person := newBrowser(t, e)
		pass := "a passphrase of my own choosing"
		res := person.post(links[0], links[0], url.Values{"name": {"New Hire"}, "password": {pass}, "password_again": {pass}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.Status, res.Body)
		}
		if r := newBrowser(t, e).signIn("new.hire@acme.example", pass); r.Status != http.StatusSeeOther || r.Location != "/breaches" {
			t.Fatalf("sign-in with the chosen password: %d %s", r.Status, r.Location)
		}
		if role := roleOf(t, e, f.acme, memberID(t, e, "new.hire@acme.example")); role != auth.RoleLegal {
			t.Fatalf("role %q", role)
		}
		if again := person.post(links[0], links[0], url.Values{"name": {"x"}, "password": {pass}, "password_again": {pass}}); again.Status != http.StatusNotFound {
			t.Fatalf("the link worked twice: %d", again.Status)
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestAdminInvitationResendCancel: resending replaces the link (the old
// one stops working); withdrawing ends the new one. Neither is open to a
// viewer or to another organization.
func TestAdminInvitationResendCancel(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		f.admin.post("/admin/members", "/admin/members/invite", url.Values{"org": {f.acmeID}, "email": {"later@acme.example"}, "role": {"viewer"}})
		list, err := e.App.Auth.Invitations(context.Background(), &auth.Principal{Memberships: map[int64]auth.Role{f.acme.ID: auth.RoleAdmin}}, f.acme.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("invitations: %v %d", err, len(list))
		}
		id := strconv.FormatInt(list[0].ID, 10)
		form := url.Values{"org": {f.acmeID}}
		refusedWithoutTrace(t, "viewer resends", f.viewer.post("/breaches", "/admin/invitations/"+id+"/resend", cloneValues(form)), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider cancels", f.outsider.post("/breaches", "/admin/invitations/"+id+"/cancel", url.Values{"org": {strconv.FormatInt(f.beta.ID, 10)}}), http.StatusNotFound)
		if r := f.admin.post("/admin/members", "/admin/invitations/"+id+"/resend", cloneValues(form)); r.Status != http.StatusSeeOther {
			t.Fatalf("resend: %d", r.Status)
		}
		e.App.Auth.Wait()
		links := invitationLinks(t, e, "later@acme.example")
		if len(links) != 2 {
			t.Fatalf("%d mails", len(links))
		}
		if r := newBrowser(t, e).do("GET", links[0], nil); r.Status != http.StatusNotFound {
			t.Fatalf("the replaced link: %d", r.Status)
		}
		list, _ = e.App.Auth.Invitations(context.Background(), &auth.Principal{Memberships: map[int64]auth.Role{f.acme.ID: auth.RoleAdmin}}, f.acme.ID)
		if r := f.admin.post("/admin/members", "/admin/invitations/"+strconv.FormatInt(list[0].ID, 10)+"/cancel", cloneValues(form)); r.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", r.Status)
		}
		if r := newBrowser(t, e).do("GET", links[1], nil); r.Status != http.StatusNotFound {
			t.Fatalf("the withdrawn link: %d", r.Status)
		}
	})
}

// TestAdminRolesAndRemoval: the administrator changes a role and removes a
// member; an unknown role is a field error; the last administrator keeps
// their role (409); a viewer, a post without the token and another
// organization's administrator change nothing.
func TestAdminRolesAndRemoval(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		path := "/admin/members/" + strconv.FormatInt(f.viewerID, 10)
		refusedWithoutTrace(t, "viewer promotes self", f.viewer.post("/breaches", path+"/role", url.Values{"org": {f.acmeID}, "role": {"admin"}}), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider changes a role", f.outsider.post("/breaches", path+"/role", url.Values{"org": {f.acmeID}, "role": {"admin"}}), http.StatusNotFound)
		if r := f.admin.do("POST", path+"/role", url.Values{"org": {f.acmeID}, "role": {"legal"}}); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}
		if role := roleOf(t, e, f.acme, f.viewerID); role != auth.RoleViewer {
			t.Fatalf("a refused post changed the role to %s", role)
		}
		if r := f.admin.post("/admin/members", path+"/role", url.Values{"org": {f.acmeID}, "role": {"owner"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Choose one of the roles offered") {
			t.Fatalf("unknown role: %d", r.Status)
		}
		if r := f.admin.post("/admin/members", path+"/role", url.Values{"org": {f.acmeID}, "role": {"legal"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("change role: %d", r.Status)
		}
		if role := roleOf(t, e, f.acme, f.viewerID); role != auth.RoleLegal {
			t.Fatalf("role %s", role)
		}
		self := "/admin/members/" + strconv.FormatInt(memberID(t, e, apptest.OperatorEmail), 10)
		if r := f.admin.post("/admin/members", self+"/role", url.Values{"org": {f.acmeID}, "role": {"viewer"}}); r.Status != http.StatusConflict {
			t.Fatalf("last admin demoted: %d", r.Status)
		}
		refusedWithoutTrace(t, "outsider removes", f.outsider.post("/breaches", path+"/remove", url.Values{"org": {f.acmeID}}), http.StatusNotFound)
		if r := f.admin.post("/admin/members", path+"/remove", url.Values{"org": {f.acmeID}}); r.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.Status)
		}
		if role := roleOf(t, e, f.acme, f.viewerID); role != "" {
			t.Fatalf("still a member as %s", role)
		}
		entries := auditActions(t, e, f.acme.ID)
		for _, want := range []string{"member.role", "member.remove"} {
			if !entries[want] {
				t.Errorf("no %s in the audit trail", want)
			}
		}
	})
}

// auditActions lists the actions recorded in an organization's audit log.
func auditActions(t *testing.T, e *apptest.Env, orgID int64) map[string]bool {
	t.Helper()
	var actions []string
	if err := e.App.DB.Gorm.Table("audit_log").Where("organization_id = ?", orgID).Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, a := range actions {
		out[a] = true
	}
	return out
}

// TestAdminDisableEndsAccess: disabling a member signs out every session
// and revokes every token at once, and they cannot sign in; enabling
// lets them sign in again. No one disables themselves or a member who
// also belongs to an organization they do not administer, and a viewer or
// another organization cannot disable anyone.
func TestAdminDisableEndsAccess(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		f := newAdminFixture(t, e)
		token := e.User("po@acme.example", f.acme, auth.RolePrivacyOfficer)
		po := newBrowser(t, e)
		po.signIn("po@acme.example", "correct horse battery")
		poID := memberID(t, e, "po@acme.example")
		path := "/admin/members/" + strconv.FormatInt(poID, 10)
		form := url.Values{"org": {f.acmeID}}
		refusedWithoutTrace(t, "viewer disables", f.viewer.post("/breaches", path+"/disable", cloneValues(form)), http.StatusForbidden)
		refusedWithoutTrace(t, "outsider disables", f.outsider.post("/breaches", path+"/disable", cloneValues(form)), http.StatusNotFound)
		if r := f.admin.do("POST", path+"/disable", cloneValues(form)); r.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", r.Status)
		}
		if r, _ := po.get("/breaches"); r.Status != http.StatusOK {
			t.Fatalf("a refused disable ended the session: %d", r.Status)
		}
		if r := f.admin.post("/admin/members", path+"/disable", cloneValues(form)); r.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.Status)
		}
		if r, _ := po.get("/breaches"); r.Status != http.StatusSeeOther {
			t.Fatalf("the disabled member's session still works: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/me", token, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("the disabled member's token still works: %d", r.Status)
		}
		if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status == http.StatusSeeOther {
			t.Fatal("a disabled member signed in")
		}
		page, _ := f.admin.get("/admin/members?org=" + f.acmeID)
		mustContain(t, page.Body, path+"/enable")
		if r := f.admin.post("/admin/members", path+"/enable", cloneValues(form)); r.Status != http.StatusSeeOther {
			t.Fatalf("enable: %d", r.Status)
		}
		if r := newBrowser(t, e).signIn("po@acme.example", "correct horse battery"); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in after enabling: %d", r.Status)
		}
		// A member of beta too: acme's administrator may not lock beta out.
		e.User("po@acme.example", f.beta, auth.RoleViewer)
		if r := f.admin.post("/admin/members", path+"/disable", cloneValues(form)); r.Status != http.StatusForbidden {
			t.Fatalf("disabled a member of another organization: %d", r.Status)
		}
		self := "/admin/members/" + strconv.FormatInt(memberID(t, e, apptest.OperatorEmail), 10)
		if r := f.admin.post("/admin/members", self+"/disable", cloneValues(form)); r.Status != http.StatusForbidden {
			t.Fatalf("disabled self: %d", r.Status)
		}
		entries := auditActions(t, e, f.acme.ID)
		if !entries["user.disable"] || !entries["user.enable"] {
			t.Errorf("disable and enable are not in the audit trail: %v", entries)
		}
	})
}
