package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
)

// RosterImports lists and shows a breach's roster imports.
type RosterImports interface {
	ListImports(ctx context.Context, p *auth.Principal, breachID int64) ([]roster.Import, error)
	GetImport(ctx context.Context, p *auth.Principal, id int64) (roster.Import, error)
}

// RosterUploads receives a roster uploaded with the breach page's form and
// queues its import; validToken checks the form's CSRF token, which must
// come before the file.
type RosterUploads interface {
	ReceiveForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, requestID string, breachID int64, validToken func(string) bool) (roster.Import, error)
}

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
}

// importRefresh is how often, in seconds, the import page reloads itself
// while the import is queued or running.
const importRefresh = 2

// addImports fills the breach page's imports and upload form, when wired.
func (s *Server) addImports(ctx context.Context, p *auth.Principal, v *breachView) error {
	if s.deps.RosterImports == nil {
		return nil
	}
	list, err := s.deps.RosterImports.ListImports(ctx, p, v.ID)
	if err != nil {
		return fmt.Errorf("imports: %w", err)
	}
	loc, name := zoneOf(v.Zone)
	sec := &importSection{CanUpload: s.deps.RosterUploads != nil && p.Require(v.OrganizationID, auth.Write) == nil}
	for _, imp := range list {
		sec.Rows = append(sec.Rows, newImportRow(imp, loc, name))
	}
	v.Imports = sec
	return nil
}

func newImportRow(imp roster.Import, loc *time.Location, zone string) importRow {
	r := importRow{Import: imp, Created: newInstant(imp.CreatedAt, loc, zone)}
	r.Active = imp.Status == roster.StatusQueued || imp.Status == roster.StatusRunning
	if imp.Status == roster.StatusRunning && imp.BytesTotal > 0 {
		r.Percent = strconv.FormatFloat(100*float64(imp.BytesRead)/float64(imp.BytesTotal), 'f', 0, 64) + "%"
	}
	return r
}

// uploadRoster receives the breach page's upload form and shows the new
// import's page. The form's CSRF token is checked before any of the file is
// stored.
func (s *Server) uploadRoster(c *gin.Context) {
	p := principal(c)
	id, err := ParamID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	session := c.GetString(keyCSRF)
	valid := func(token string) bool {
		return session != "" && subtle.ConstantTimeCompare([]byte(token), []byte(session)) == 1
	}
	imp, err := s.deps.RosterUploads.ReceiveForm(c.Writer, c.Request, p, requestID(c), id, valid)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/imports/"+strconv.FormatInt(imp.ID, 10))
}

// importPage shows one import: progress while it runs (the page reloads
// itself), then what was stored, rejected and flagged.
func (s *Server) importPage(c *gin.Context) {
	p := principal(c)
	id, err := ParamID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	imp, err := s.deps.RosterImports.GetImport(c.Request.Context(), p, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	b, err := s.deps.Breaches.Get(c.Request.Context(), p, imp.BreachID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	org, err := s.organization(c.Request.Context(), p, b.OrganizationID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	loc, name := zoneOf(org.TimeZone)
	v := &importView{importRow: newImportRow(imp, loc, name), BreachRef: b.Reference, BreachTitle: b.Title}
	d := pageData{Title: "Import " + strconv.FormatInt(imp.ID, 10) + " · " + b.Reference, Nav: "breaches",
		User: &p.User, CSRF: c.GetString(keyCSRF), Import: v}
	if v.Active {
		d.Refresh = importRefresh
	}
	s.render(c, http.StatusOK, "import", d)
}

// organization is one of the principal's organizations (zero when the
// principal is not a member: its zone then reads as UTC).
func (s *Server) organization(ctx context.Context, p *auth.Principal, orgID int64) (auth.Organization, error) {
	orgs, err := s.deps.Auth.Organizations(ctx, p)
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
