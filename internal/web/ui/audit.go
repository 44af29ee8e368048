package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/audit/trail"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/web"
)

// TrailService reads a breach's audit trail (trail.Service); it checks
// who may (administrators and legal reviewers) and audits every read.
type TrailService interface {
	Breach(ctx context.Context, p *auth.Principal, requestID string, breachID int64, q trail.Query) (trail.Page, error)
	BreachCSVFiltered(ctx context.Context, p *auth.Principal, requestID string, breachID int64, f trail.Filter, open func() io.Writer) error
	BreachActors(ctx context.Context, p *auth.Principal, breachID int64) (actors, actions []string, err error)
}

// auditPageSize is how many entries the audit page shows at once.
const auditPageSize = 50

// auditData is the audit trail page.
type auditData struct {
	layout
	Audit *auditView
}

// auditView is a page of a breach's trail and its filter.
type auditView struct {
	BreachID  int64
	BreachRef string
	OrgName   string
	Title     string
	Zone      string
	Actor     string
	Action    string
	From, To  string
	Actors    []string
	Actions   []string
	Entries   []auditRow
	// Query is the filter as a query string (for the CSV and the pages);
	// Next is the next (older) page's address, empty at the end; Paged
	// says this is not the first page.
	Query string
	Next  string
	Paged bool
	// Invalid names a date field that could not be read.
	Invalid string
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	trail.Entry
	When    *instant
	Details string
}

// auditPage shows a page of a breach's audit trail, newest first,
// filtered by actor, action and dates (days in the organization's zone).
func (u *pages) auditPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, zone := zoneOf(org.TimeZone)
	v := &auditView{BreachID: b.ID, BreachRef: b.Reference, OrgName: org.Name, Title: b.Title, Zone: zone}
	f := v.readFilter(c, loc)
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	v.Paged = before > 0
	if v.Actors, v.Actions, err = u.d.Trail.BreachActors(ctx, p, b.ID); err != nil {
		u.fail(c, err)
		return
	}
	page, err := u.d.Trail.Breach(ctx, p, web.RequestID(c), b.ID, trail.Query{Before: max(before, 0), Limit: auditPageSize, Filter: f})
	if err != nil {
		u.fail(c, err)
		return
	}
	for _, e := range page.Entries {
		v.Entries = append(v.Entries, auditRow{Entry: e, When: newInstant(e.At, loc, zone), Details: detailsText(e.Details)})
	}
	if page.NextBefore != nil {
		v.Next = fmt.Sprintf("/breaches/%d/audit?%s", b.ID, v.withQuery("before", strconv.FormatInt(*page.NextBefore, 10)))
	}
	u.render(c, http.StatusOK, "audit", auditData{layout: u.signedIn(c, l.T("office.audit.title", "Ref", b.Reference), "breaches"), Audit: v})
}

// readFilter reads the filter's fields; a date that cannot be read is
// left out and named in Invalid.
func (v *auditView) readFilter(c *gin.Context, loc *time.Location) trail.Filter {
	v.Actor, v.Action = strings.TrimSpace(c.Query("actor")), strings.TrimSpace(c.Query("action"))
	f := trail.Filter{Actor: v.Actor, Action: v.Action}
	var err error
	if v.From = c.Query("from"); v.From != "" {
		if f.From, err = time.ParseInLocation(time.DateOnly, v.From, loc); err != nil {
			v.Invalid, v.From = "from", ""
		}
	}
	if v.To = c.Query("to"); v.To != "" {
		to, err := time.ParseInLocation(time.DateOnly, v.To, loc)
		if err != nil {
			v.Invalid, v.To = "to", ""
		} else {
			f.To = to.AddDate(0, 0, 1) // the whole day
		}
	}
	v.Query = v.withQuery("", "")
	return f
}

// withQuery is the filter as a query string, with one more field when
// name is set.
func (v *auditView) withQuery(name, value string) string {
	q := url.Values{}
	for k, s := range map[string]string{"actor": v.Actor, "action": v.Action, "from": v.From, "to": v.To, name: value} {
		if k != "" && s != "" {
			q.Set(k, s)
		}
	}
	return q.Encode()
}

// detailsText writes an entry's details (JSON) on one line.
func detailsText(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if s == "null" || s == "{}" {
		return ""
	}
	return s
}

// auditCSV sends the breach's trail, filtered as the page is, as CSV
// (every cell made safe for spreadsheets by the trail).
func (u *pages) auditCSV(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	org, err := u.organization(c.Request.Context(), p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, _ := zoneOf(org.TimeZone)
	f := (&auditView{}).readFilter(c, loc)
	err = u.d.Trail.BreachCSVFiltered(c.Request.Context(), p, web.RequestID(c), b.ID, f, func() io.Writer {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="breach-%d-audit.csv"`, b.ID))
		c.Header("Cache-Control", "no-store")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Status(http.StatusOK)
		return c.Writer
	})
	switch {
	case err == nil:
	case !c.Writer.Written():
		u.fail(c, err)
	default:
		_ = c.Error(fmt.Errorf("audit export of breach %d: %w", b.ID, err))
	}
}
