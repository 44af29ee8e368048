package ui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/web"
)

// newOrganizationPage shows the form that creates an organization; an
// administrator of any organization may, as through the API.
func (u *pages) newOrganizationPage(c *gin.Context) {
	if err := web.Principal(c).MayCreateOrganization(); err != nil {
		u.fail(c, err)
		return
	}
	u.renderNewOrganization(c, http.StatusOK, u.newOrgDefaults(c), nil)
}

// newOrgDefaults fills a new organization's form with the settings the
// service would choose, in the zone and language of the first
// organization the caller administers (a firm creating its clients).
func (u *pages) newOrgDefaults(c *gin.Context) orgForm {
	o := auth.Organization{TimeZone: "UTC", InternalTargetHours: 72, ContactRetentionDays: auth.DefaultContactRetentionDays}
	if orgs, err := u.d.Admin.Organizations(c.Request.Context(), web.Principal(c)); err == nil {
		for _, mine := range orgs {
			if web.Principal(c).Require(mine.ID, auth.Administer) == nil {
				o.TimeZone, o.DefaultLanguage, o.HomeJurisdiction = mine.TimeZone, mine.DefaultLanguage, mine.HomeJurisdiction
				break
			}
		}
	}
	return newOrgForm(o)
}

// renderNewOrganization shows the creation form with form's values and
// the problems of fields.
func (u *pages) renderNewOrganization(c *gin.Context, status int, form orgForm, fields map[string]string) {
	d := organizationData{adminLayout: u.adminBase(c, "new", "admin.new_org.title", auth.Organization{}, nil),
		CanEdit: true, Form: form, Languages: i18n.Languages}
	d.Fields = fields
	d.RoleIDs, d.SectorIDs = u.vocabularyIDs()
	u.render(c, status, "admin_organization_new", d)
}

// createOrganization creates the organization with the caller as its
// administrator and shows its settings.
func (u *pages) createOrganization(c *gin.Context) {
	p := web.Principal(c)
	if err := p.MayCreateOrganization(); err != nil {
		u.fail(c, err)
		return
	}
	form := postedOrgForm(c)
	roles, sectors := u.vocabularyIDs()
	in, bad := form.input(roles, sectors)
	in.Name, in.Slug = &form.Name, &form.Slug
	var o auth.Organization
	var err error
	if len(bad) == 0 {
		o, err = u.d.Admin.CreateOrganization(c.Request.Context(), p, web.RequestID(c), in)
	}
	if fields, invalid := orgFields(u.locale(c), bad, err); invalid {
		u.renderNewOrganization(c, http.StatusBadRequest, form, fields)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/organization", o.ID, "created")
}

// renamePage shows the form that changes an organization's name and
// slug; the organization's administrators only.
func (u *pages) renamePage(c *gin.Context) {
	u.renderRename(c, http.StatusOK, c.Query("org"), nil, nil)
}

// renderRename shows the rename form of the chosen organization, with
// form (nil: the stored name and slug) and its problems.
func (u *pages) renderRename(c *gin.Context, status int, rawOrg string, form *orgForm, fields map[string]string) {
	org, orgs, err := u.adminOrg(c, rawOrg, auth.Administer)
	if err != nil {
		u.fail(c, err)
		return
	}
	d := organizationData{adminLayout: u.adminBase(c, "rename", "admin.rename.title", org, orgs), CanEdit: true}
	d.Fields = fields
	if form == nil {
		f := newOrgForm(org)
		form = &f
	}
	d.Form = *form
	u.render(c, status, "admin_organization_rename", d)
}

// renameOrganization changes the name and slug. A new slug breaks the
// links that carry the old one, so the form's confirmation must be ticked
// for it; a name alone needs none.
func (u *pages) renameOrganization(c *gin.Context) {
	orgID, ok := u.administeredOrg(c)
	if !ok {
		return
	}
	form := orgForm{Name: c.PostForm("name"), Slug: c.PostForm("slug")}
	in := auth.OrgInput{Name: &form.Name, Slug: &form.Slug}
	changing, err := u.slugChanges(c, orgID, form.Slug)
	if err != nil {
		u.fail(c, err)
		return
	}
	if changing && c.PostForm("confirm_slug") != "on" {
		fields := map[string]string{"confirm_slug": u.locale(c).T("admin.field.confirm_slug")}
		u.renderRename(c, http.StatusBadRequest, c.PostForm("org"), &form, fields)
		return
	}
	_, err = u.d.Admin.UpdateOrganization(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, in)
	if fields, invalid := orgFields(u.locale(c), nil, err); invalid {
		u.renderRename(c, http.StatusBadRequest, c.PostForm("org"), &form, fields)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/organization/rename", orgID, "renamed")
}

// slugChanges says whether slug differs from the organization's own.
func (u *pages) slugChanges(c *gin.Context, orgID int64, slug string) (bool, error) {
	orgs, err := u.d.Admin.Organizations(c.Request.Context(), web.Principal(c))
	if err != nil {
		return false, err
	}
	for _, o := range orgs {
		if o.ID == orgID {
			return strings.TrimSpace(slug) != o.Slug, nil
		}
	}
	return false, nil
}
