package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// importSection is the roster imports part of the breach page.
type importSection struct {
	Rows      []importRow
	CanUpload bool
}

// importRow is one import as the pages show it.
type importRow struct {
	roster.Import
	Created *instant
	// Percent of the file read, for a running import with a known size.
	Percent string
	Active  bool
}

// importView is the import page.
type importView struct {
	importRow
	BreachRef   string
	BreachTitle string
	// StalledText says, in the page's language, why an import that should
	// have moved by now has not.
	StalledText string
	// CanReview: the user may review the rows it flagged (personal data).
	CanReview bool
}

// importData is the import page.
type importData struct {
	layout
	Import *importView
}

// addImports fills the breach page's imports and upload form.
func (u *pages) addImports(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *breachView) error {
	list, err := u.d.Roster.ListImports(ctx, p, v.ID)
	if err != nil {
		return fmt.Errorf("imports: %w", err)
	}
	loc, name := zoneOf(v.Zone)
	sec := &importSection{CanUpload: p.Require(v.OrganizationID, auth.Write) == nil}
	for _, imp := range list {
		sec.Rows = append(sec.Rows, newImportRow(l, imp, loc, name))
	}
	v.Imports = sec
	return nil
}

func newImportRow(l *i18n.Locale, imp roster.Import, loc *time.Location, zone string) importRow {
	r := importRow{Import: imp, Created: newInstant(imp.CreatedAt, loc, zone)}
	r.Active = imp.Status == roster.StatusQueued || imp.Status == roster.StatusRunning
	if imp.Status == roster.StatusRunning && imp.BytesTotal > 0 {
		r.Percent = l.T("import.percent", "N", strconv.FormatFloat(100*float64(imp.BytesRead)/float64(imp.BytesTotal), 'f', 0, 64))
	}
	return r
}

// stalledText says why an import has not moved, in l's language, when the
// roster service found it stalled.
func stalledText(l *i18n.Locale, imp roster.Import) string {
	if imp.Stalled == "" {
		return ""
	}
	if imp.Status == roster.StatusQueued {
		return l.T("import.stalled_queued")
	}
	last := imp.CreatedAt
	for _, t := range []*time.Time{imp.StartedAt, imp.ProgressAt} {
		if t != nil && t.After(last) {
			last = *t
		}
	}
	return l.T("import.stalled_running", "Since", l.Clock(last.UTC())+" UTC")
}

// uploadRoster receives the breach page's upload form and shows the new
// import's page. The form's CSRF token is checked before any of the file is
// stored.
func (u *pages) uploadRoster(c *gin.Context) {
	p := web.Principal(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	if _, err := u.d.Roster.CheckBreach(c.Request.Context(), p, id, auth.Write); err != nil {
		u.fail(c, err)
		return
	}
	session := web.CSRF(c)
	guard := web.NewTokenGuard(func(token string) bool { return web.CSRFMatches(token, session) })
	up, err := u.d.Uploads.Receive(c.Writer, c.Request, guard)
	if err != nil {
		u.fail(c, err)
		return
	}
	imp, err := u.d.Roster.StartImport(c.Request.Context(), p, web.RequestID(c), id, up)
	if err != nil {
		u.d.Uploads.Discard(c.Request.Context(), up)
		u.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/imports/"+strconv.FormatInt(imp.ID, 10))
}

// importPage shows one import: progress while it runs (app.js follows it
// through the API's JSON; a Refresh link without JavaScript), then what was
// stored, rejected and flagged.
func (u *pages) importPage(c *gin.Context) {
	p := web.Principal(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	imp, err := u.d.Roster.GetImport(c.Request.Context(), p, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	b, err := u.d.Breaches.Get(c.Request.Context(), p, imp.BreachID)
	if err != nil {
		u.fail(c, err)
		return
	}
	org, err := u.organization(c.Request.Context(), p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, name := zoneOf(org.TimeZone)
	l := u.locale(c)
	v := &importView{importRow: newImportRow(l, imp, loc, name), BreachRef: b.Reference, BreachTitle: b.Title, StalledText: stalledText(l, imp),
		CanReview: p.Require(b.OrganizationID, auth.ExportPersonalData) == nil}
	d := importData{layout: u.signedIn(c, l.T("import.title", "ID", imp.ID, "Ref", b.Reference), "breaches"), Import: v}
	u.render(c, http.StatusOK, "import", d)
}

// organization is one of the principal's organizations (zero when the
// principal is not a member: its zone then reads as UTC).
func (u *pages) organization(ctx context.Context, p *auth.Principal, orgID int64) (auth.Organization, error) {
	orgs, err := u.d.Auth.Organizations(ctx, p)
	if err != nil {
		return auth.Organization{}, fmt.Errorf("organizations: %w", err)
	}
	for _, o := range orgs {
		if o.ID == orgID {
			return o, nil
		}
	}
	return auth.Organization{}, nil
}
