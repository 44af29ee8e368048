package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/web"
)

// AdminService is what the administration pages need of accounts and
// organizations (auth.Service); every method checks the caller's role.
type AdminService interface {
	Organizations(ctx context.Context, p *auth.Principal) ([]auth.Organization, error)
	CreateOrganization(ctx context.Context, p *auth.Principal, requestID string, in auth.OrgInput) (auth.Organization, error)
	UpdateOrganization(ctx context.Context, p *auth.Principal, requestID string, id int64, in auth.OrgInput) (auth.Organization, error)
	MemberAccounts(ctx context.Context, p *auth.Principal, orgID int64) ([]auth.MemberAccount, error)
	AddMember(ctx context.Context, p *auth.Principal, requestID string, orgID int64, in auth.MemberInput) (auth.MemberResult, error)
	SetMemberRole(ctx context.Context, p *auth.Principal, requestID string, orgID, userID int64, role auth.Role) error
	RemoveMember(ctx context.Context, p *auth.Principal, requestID string, orgID, userID int64) error
	DisableMember(ctx context.Context, p *auth.Principal, requestID string, orgID, userID int64, disabled bool) (auth.AccountChange, error)
	Invitations(ctx context.Context, p *auth.Principal, orgID int64) ([]auth.Invitation, error)
	RevokeInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) error
	ResendInvitation(ctx context.Context, p *auth.Principal, requestID string, orgID, id int64) (auth.Invitation, error)
}

// CalendarService is what the calendars page needs (obligation.Service):
// the calendars, and the one-off closures operators add and remove.
type CalendarService interface {
	CalendarList(ctx context.Context, year int) ([]obligation.CalendarInfo, error)
	AddClosure(ctx context.Context, c breach.Call, calendarID string, in obligation.ClosureInput) (obligation.Closure, obligation.Summary, error)
	RemoveClosure(ctx context.Context, c breach.Call, id int64) (obligation.Closure, obligation.Summary, error)
	CanManageClosures(p *auth.Principal) bool
}

// adminPages are the page templates of administration and the rules.
var adminPages = []string{"admin_members", "admin_organization", "admin_organization_new", "admin_organization_rename", "admin_calendars", "admin_rules", "admin_rule"}

func (u *pages) adminRoutes(r *gin.RouterGroup) {
	r.GET("/admin", u.requirePage, func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/admin/members") })
	r.GET("/admin/members", u.requirePage, u.membersPage)
	r.POST("/admin/members/invite", u.requirePage, u.requireForm, u.inviteMember)
	r.POST("/admin/members/:user/role", u.requirePage, u.requireForm, u.changeRole)
	r.POST("/admin/members/:user/remove", u.requirePage, u.requireForm, u.removeMember)
	r.POST("/admin/members/:user/disable", u.requirePage, u.requireForm, u.disableMember(true))
	r.POST("/admin/members/:user/enable", u.requirePage, u.requireForm, u.disableMember(false))
	r.POST("/admin/invitations/:id/resend", u.requirePage, u.requireForm, u.resendInvitation)
	r.POST("/admin/invitations/:id/cancel", u.requirePage, u.requireForm, u.cancelInvitation)
	r.GET("/admin/organization", u.requirePage, u.organizationPage)
	r.POST("/admin/organization", u.requirePage, u.requireForm, u.saveOrganization)
	r.GET("/admin/organization/rename", u.requirePage, u.renamePage)
	r.POST("/admin/organization/rename", u.requirePage, u.requireForm, u.renameOrganization)
	r.GET("/admin/organizations/new", u.requirePage, u.newOrganizationPage)
	r.POST("/admin/organizations", u.requirePage, u.requireForm, u.createOrganization)
	r.GET("/admin/calendars", u.requirePage, u.calendarsPage)
	r.POST("/admin/calendars/closures", u.requirePage, u.requireForm, u.addClosure)
	r.POST("/admin/calendars/closures/:id/remove", u.requirePage, u.requireForm, u.removeClosure)
	r.GET("/rules", u.requirePage, u.rulesPage)
	r.GET("/rules/:id", u.requirePage, u.rulePage)
	r.GET("/rules/:id/:part", u.requirePage, u.rulePage)
}

// adminLayout is the layout of an administration page with its own
// navigation (members, organization, calendars).
type adminLayout struct {
	layout
	// Section is the administration page shown: members, organization,
	// rename, new or calendars. Orgs are the organizations the picker offers, Org the
	// one shown.
	Section string
	Orgs    []auth.Organization
	Org     auth.Organization
	// Done says what was just done (a key under admin.done.), Fields the
	// problems of the form sent, by field, in the page's language.
	Done   string
	Fields map[string]string
}

// adminOrg chooses the organization an administration page shows: the one
// named by raw (a form's or query's org), else the first the caller has
// perm in. Another organization is not found; one where the caller lacks
// perm is forbidden; a caller with perm nowhere is forbidden.
func (u *pages) adminOrg(c *gin.Context, raw string, perm auth.Permission) (auth.Organization, []auth.Organization, error) {
	p := web.Principal(c)
	all, err := u.d.Admin.Organizations(c.Request.Context(), p)
	if err != nil {
		return auth.Organization{}, nil, err
	}
	var orgs []auth.Organization
	for _, o := range all {
		if p.Require(o.ID, perm) == nil {
			orgs = append(orgs, o)
		}
	}
	if raw == "" {
		if len(orgs) == 0 {
			return auth.Organization{}, nil, errs.ErrForbidden
		}
		return orgs[0], orgs, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return auth.Organization{}, nil, errs.ErrNotFound
	}
	if err := p.Require(id, perm); err != nil {
		return auth.Organization{}, nil, err
	}
	for _, o := range orgs {
		if o.ID == id {
			return o, orgs, nil
		}
	}
	return auth.Organization{}, nil, errs.ErrNotFound
}

// adminBase fills the layout of an administration page.
func (u *pages) adminBase(c *gin.Context, section, titleKey string, org auth.Organization, orgs []auth.Organization) adminLayout {
	l := u.locale(c)
	return adminLayout{layout: u.signedIn(c, l.T(titleKey, "Org", org.Name), "admin"), Section: section, Org: org, Orgs: orgs,
		Done: doneKey(c.Query("done"))}
}

// doneKeys are the notices a page shows after a form succeeded (the
// post-redirect-get's ?done=).
var doneKeys = map[string]bool{"invited": true, "role": true, "removed": true, "disabled": true, "enabled": true,
	"resent": true, "cancelled": true, "saved": true, "created": true, "renamed": true, "closure_added": true, "closure_removed": true}

func doneKey(s string) string {
	if doneKeys[s] {
		return s
	}
	return ""
}

// adminFields words a form's problems by field in the page's language:
// each field has one message saying what it takes.
func adminFields(l *i18n.Locale, err error) (map[string]string, bool) {
	var inv *errs.Invalid
	if !errors.As(err, &inv) {
		return nil, false
	}
	out := map[string]string{}
	for f := range inv.Fields {
		key := "admin.field." + f
		if !l.Has(key) {
			key = "admin.field.other"
		}
		out[f] = l.T(key)
	}
	if len(out) == 0 {
		out["form"] = l.T("admin.field.other")
	}
	return out, true
}

// backTo answers a form that succeeded with a redirect to its page.
func backTo(c *gin.Context, path string, orgID int64, done string) {
	q := url.Values{"done": {done}}
	if orgID != 0 {
		q.Set("org", strconv.FormatInt(orgID, 10))
	}
	c.Redirect(http.StatusSeeOther, path+"?"+q.Encode())
}

// membersData is the members page.
type membersData struct {
	adminLayout
	Members     []memberRow
	Invitations []auth.Invitation
	Roles       []auth.Role
	// InviteEmail and InviteRole keep what was typed after a refusal.
	InviteEmail string
	InviteRole  auth.Role
}

func (u *pages) membersPage(c *gin.Context) {
	u.renderMembers(c, http.StatusOK, c.Query("org"), membersData{})
}

// renderMembers shows the members and open invitations of the chosen
// organization; admins only.
func (u *pages) renderMembers(c *gin.Context, status int, rawOrg string, d membersData) {
	ctx, p := c.Request.Context(), web.Principal(c)
	org, orgs, err := u.adminOrg(c, rawOrg, auth.Administer)
	if err != nil {
		u.fail(c, err)
		return
	}
	fields := d.Fields
	d.adminLayout = u.adminBase(c, "members", "admin.members.title", org, orgs)
	d.Fields, d.Roles = fields, auth.Roles
	if d.InviteRole == "" {
		d.InviteRole = auth.RoleViewer
	}
	members, err := u.d.Admin.MemberAccounts(ctx, p, org.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	for _, m := range members {
		d.Members = append(d.Members, memberRow{MemberAccount: m, TwoStepOn: m.TwoStep != nil && *m.TwoStep})
	}
	if d.Invitations, err = u.d.Admin.Invitations(ctx, p, org.ID); err != nil {
		u.fail(c, err)
		return
	}
	u.render(c, status, "admin_members", d)
}

// memberRow is a member as the members page lists it.
type memberRow struct {
	auth.MemberAccount
	TwoStepOn bool
}

// formOrg reads the organization id a form names.
func formOrg(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.PostForm("org"), 10, 64)
	if err != nil {
		return 0, errs.ErrNotFound
	}
	return id, nil
}

// inviteMember invites an address with a role (or changes the role of a
// current member with that address); the answer never says whether the
// address has an account elsewhere.
func (u *pages) inviteMember(c *gin.Context) {
	orgID, err := formOrg(c)
	if err != nil {
		u.fail(c, err)
		return
	}
	in := auth.MemberInput{Email: c.PostForm("email"), Role: auth.Role(c.PostForm("role"))}
	_, err = u.d.Admin.AddMember(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, in)
	if fields, ok := adminFields(u.locale(c), err); ok {
		u.renderMembers(c, http.StatusBadRequest, c.PostForm("org"), membersData{adminLayout: adminLayout{Fields: fields}, InviteEmail: in.Email, InviteRole: in.Role})
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/members", orgID, "invited")
}

// memberAction reads the organization and user a member form names.
func (u *pages) memberAction(c *gin.Context) (orgID, userID int64, ok bool) {
	orgID, err := formOrg(c)
	if err == nil {
		userID, err = web.ParamID(c, "user")
	}
	if err != nil {
		u.fail(c, err)
		return 0, 0, false
	}
	return orgID, userID, true
}

func (u *pages) changeRole(c *gin.Context) {
	orgID, userID, ok := u.memberAction(c)
	if !ok {
		return
	}
	err := u.d.Admin.SetMemberRole(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, userID, auth.Role(c.PostForm("role")))
	if fields, ok := adminFields(u.locale(c), err); ok {
		u.renderMembers(c, http.StatusBadRequest, c.PostForm("org"), membersData{adminLayout: adminLayout{Fields: fields}})
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/members", orgID, "role")
}

func (u *pages) removeMember(c *gin.Context) {
	orgID, userID, ok := u.memberAction(c)
	if !ok {
		return
	}
	if err := u.d.Admin.RemoveMember(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, userID); err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/members", orgID, "removed")
}

// disableMember disables a member's account (their sessions end and
// their tokens are revoked) or enables it again.
func (u *pages) disableMember(disabled bool) gin.HandlerFunc {
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	return func(c *gin.Context) {
		orgID, userID, ok := u.memberAction(c)
		if !ok {
			return
		}
		if _, err := u.d.Admin.DisableMember(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, userID, disabled); err != nil {
			u.fail(c, err)
			return
		}
		backTo(c, "/admin/members", orgID, done)
	}
}

// invitationAction reads the organization and invitation a form names.
func (u *pages) invitationAction(c *gin.Context) (orgID, id int64, ok bool) {
	orgID, err := formOrg(c)
	if err == nil {
		id, err = web.ParamID(c, "id")
	}
	if err != nil {
		u.fail(c, err)
		return 0, 0, false
	}
	return orgID, id, true
}

func (u *pages) resendInvitation(c *gin.Context) {
	orgID, id, ok := u.invitationAction(c)
	if !ok {
		return
	}
	if _, err := u.d.Admin.ResendInvitation(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, id); err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/members", orgID, "resent")
}

func (u *pages) cancelInvitation(c *gin.Context) {
	orgID, id, ok := u.invitationAction(c)
	if !ok {
		return
	}
	if err := u.d.Admin.RevokeInvitation(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, id); err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/members", orgID, "cancelled")
}
