package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/web"
)

// organizationData is the organization settings page: editable by the
// organization's administrators, read-only for its other members.
type organizationData struct {
	adminLayout
	CanEdit bool
	Form    orgForm
	// RoleIDs and SectorIDs are the vocabulary's organization roles and
	// sectors, the choices of the form; Languages the default languages.
	RoleIDs, SectorIDs []string
	Languages          []string
}

// orgForm is the organization's settings as the form shows them: the
// stored values, or what was sent when the form was refused.
type orgForm struct {
	Name, Slug, LegalName, HomeJurisdiction, TimeZone, DefaultLanguage string
	ContactName, ContactEmail, ContactPhone, Address                   string
	InternalTargetHours, ContactRetentionDays                          string
	RetentionHold                                                      bool
	Roles, Sectors                                                     map[string]bool
}

func newOrgForm(o auth.Organization) orgForm {
	return orgForm{Name: o.Name, Slug: o.Slug, LegalName: o.LegalName, HomeJurisdiction: o.HomeJurisdiction, TimeZone: o.TimeZone,
		DefaultLanguage: o.DefaultLanguage, ContactName: o.ContactName, ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone,
		Address: o.Address, InternalTargetHours: strconv.Itoa(o.InternalTargetHours), ContactRetentionDays: strconv.Itoa(o.ContactRetentionDays),
		RetentionHold: o.RetentionHold, Roles: set(o.Roles), Sectors: set(o.Sectors)}
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// postedOrgForm reads the settings form.
func postedOrgForm(c *gin.Context) orgForm {
	return orgForm{Name: c.PostForm("name"), Slug: c.PostForm("slug"), LegalName: c.PostForm("legal_name"), HomeJurisdiction: c.PostForm("home_jurisdiction"),
		TimeZone: c.PostForm("time_zone"), DefaultLanguage: c.PostForm("default_language"), ContactName: c.PostForm("contact_name"),
		ContactEmail: c.PostForm("contact_email"), ContactPhone: c.PostForm("contact_phone"), Address: c.PostForm("address"),
		InternalTargetHours: c.PostForm("internal_target_hours"), ContactRetentionDays: c.PostForm("contact_retention_days"),
		RetentionHold: c.PostForm("retention_hold") == "on", Roles: set(c.PostFormArray("roles")), Sectors: set(c.PostFormArray("sectors"))}
}

// input turns the form into the service's input, without the name and
// slug (the rename page and the creation page set those); a number that
// does not read is a problem of its field.
func (f orgForm) input(roles, sectors []string) (auth.OrgInput, map[string]string) {
	bad := map[string]string{}
	number := func(field, s string) *int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			bad[field] = "not a number"
		}
		return &n
	}
	pick := func(ids []string, chosen map[string]bool) *[]string {
		out := []string{}
		for _, id := range ids {
			if chosen[id] {
				out = append(out, id)
			}
		}
		return &out
	}
	hold := f.RetentionHold
	in := auth.OrgInput{LegalName: &f.LegalName, HomeJurisdiction: &f.HomeJurisdiction, TimeZone: &f.TimeZone,
		DefaultLanguage: &f.DefaultLanguage, ContactName: &f.ContactName, ContactEmail: &f.ContactEmail, ContactPhone: &f.ContactPhone,
		Address: &f.Address, InternalTargetHours: number("internal_target_hours", f.InternalTargetHours),
		ContactRetentionDays: number("contact_retention_days", f.ContactRetentionDays), RetentionHold: &hold,
		Roles: pick(roles, f.Roles), Sectors: pick(sectors, f.Sectors)}
	return in, bad
}

// vocabularyIDs lists the organization roles and sectors the catalogue
// knows, in its order.
func (u *pages) vocabularyIDs() (roles, sectors []string) {
	v := u.d.Obligations.Catalogue().Vocabulary
	for _, t := range v.Roles {
		roles = append(roles, t.ID)
	}
	for _, t := range v.Sectors {
		sectors = append(sectors, t.ID)
	}
	return roles, sectors
}

func (u *pages) organizationPage(c *gin.Context) {
	u.renderOrganization(c, http.StatusOK, c.Query("org"), nil, nil)
}

// renderOrganization shows the settings of the chosen organization, with
// form (nil: the stored values) and its problems.
func (u *pages) renderOrganization(c *gin.Context, status int, rawOrg string, form *orgForm, fields map[string]string) {
	org, orgs, err := u.adminOrg(c, rawOrg, auth.Read)
	if err != nil {
		u.fail(c, err)
		return
	}
	d := organizationData{adminLayout: u.adminBase(c, "organization", "admin.org.title", org, orgs),
		CanEdit: web.Principal(c).Require(org.ID, auth.Administer) == nil, Languages: i18n.Languages}
	d.Fields = fields
	d.RoleIDs, d.SectorIDs = u.vocabularyIDs()
	if form == nil {
		f := newOrgForm(org)
		form = &f
	}
	d.Form = *form
	u.render(c, status, "admin_organization", d)
}

// saveOrganization stores the settings; the obligations of the
// organization's breaches are re-evaluated in the same transaction (the
// roles, sectors and home jurisdiction decide which laws apply).
func (u *pages) saveOrganization(c *gin.Context) {
	orgID, ok := u.administeredOrg(c)
	if !ok {
		return
	}
	var err error
	form := postedOrgForm(c)
	roles, sectors := u.vocabularyIDs()
	in, bad := form.input(roles, sectors)
	if len(bad) == 0 {
		_, err = u.d.Admin.UpdateOrganization(c.Request.Context(), web.Principal(c), web.RequestID(c), orgID, in)
	}
	if fields, invalid := orgFields(u.locale(c), bad, err); invalid {
		u.renderOrganization(c, http.StatusBadRequest, c.PostForm("org"), &form, fields)
		return
	}
	if err != nil {
		u.fail(c, err)
		return
	}
	backTo(c, "/admin/organization", orgID, "saved")
}

// orgFields words the problems of an organization form in the page's
// language: the numbers that did not read (bad), else the service's
// refusal (err); a slug another organization uses says so. invalid is
// false when err is not a refusal of the input.
func orgFields(l *i18n.Locale, bad map[string]string, err error) (fields map[string]string, invalid bool) {
	if len(bad) > 0 {
		fields = map[string]string{}
		for f := range bad {
			fields[f] = l.T("admin.field." + f)
		}
		return fields, true
	}
	fields, invalid = adminFields(l, err)
	var inv *errs.Invalid
	if errors.As(err, &inv) && inv.Fields["slug"] == auth.SlugTaken {
		fields["slug"] = l.T("admin.field.slug_taken")
	}
	return fields, invalid
}

// administeredOrg is the organization a form posts for, when the caller
// administers it; otherwise the page has answered. It refuses before the
// form is read: a viewer's post is 403 whatever it holds.
func (u *pages) administeredOrg(c *gin.Context) (int64, bool) {
	orgID, err := formOrg(c)
	if err == nil {
		err = web.Principal(c).Require(orgID, auth.Administer)
	}
	if err != nil {
		u.fail(c, err)
		return 0, false
	}
	return orgID, true
}
