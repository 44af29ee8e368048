package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// breachView is everything the breach page shows.
type breachView struct {
	breach.Breach
	OrgName    string
	Zone       string
	Kinds      []string
	Categories []string
	Timeline   []eventRow
	Duties     *dutyGroups
	Gaps       []obligation.Gap
	Counts     *countView
	Documents  *docSection
	Imports    *importSection
	Notices    *noticeSection
	// CanAudit: the user may read the breach's audit trail.
	CanAudit bool
}

// docSection is the documents of a breach.
type docSection struct{ Rows []docRow }

// eventRow is one timeline entry, in the organization's zone.
type eventRow struct {
	Kind, Label, Note string
	At                *instant
	RecordedZone      string
}

// docRow is one stored document with its download links.
type docRow struct {
	document.Document
	Size      string
	Generated *instant
}

// breachPage shows one breach: facts, timeline, duties, gaps, counts and
// documents. Another organization's breach is a 404 page.
func (u *pages) breachPage(c *gin.Context) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	v, err := u.breachView(c.Request.Context(), u.locale(c), p, b)
	if err != nil {
		u.fail(c, err)
		return
	}
	work, err := u.breachWorkView(c, p, b, v.Gaps)
	if err != nil {
		u.fail(c, err)
		return
	}
	u.render(c, http.StatusOK, "breach", breachData{layout: u.signedIn(c, b.Reference+" "+b.Title, "breaches"), Breach: v, Work: work})
}

// breachData is the breach page.
type breachData struct {
	layout
	Breach *breachView
	// Work is what running the breach adds: actions, settings, estimates.
	Work *breachWorkView
}

// pageBreach loads the breach a page's :id names for the signed-in user;
// when it cannot, it has shown the error page and ok is false.
func (u *pages) pageBreach(c *gin.Context) (p *auth.Principal, b breach.Breach, ok bool) {
	p = web.Principal(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return p, b, false
	}
	if b, err = u.d.Breaches.Get(c.Request.Context(), p, id); err != nil {
		u.fail(c, err)
		return p, b, false
	}
	return p, b, true
}

// breachView gathers the sections of the breach page.
func (u *pages) breachView(ctx context.Context, l *i18n.Locale, p *auth.Principal, b breach.Breach) (*breachView, error) {
	v := &breachView{Breach: b}
	if err := u.describe(ctx, l, p, v); err != nil {
		return nil, err
	}
	if err := u.addDuties(ctx, l, p, v); err != nil {
		return nil, err
	}
	t, err := u.d.Roster.Counts(ctx, p, b.ID)
	if err != nil {
		return nil, fmt.Errorf("roster counts: %w", err)
	}
	v.Counts = newCountView(t)
	v.Counts.CanReview = p.Require(b.OrganizationID, auth.ExportPersonalData) == nil
	v.CanAudit = p.Require(b.OrganizationID, auth.Approve) == nil
	if err := u.addImports(ctx, l, p, v); err != nil {
		return nil, err
	}
	if err := u.addNotices(ctx, p, v); err != nil {
		return nil, err
	}
	return v, u.addDocuments(ctx, l, p, v)
}

// describe fills the organization, its zone, labels in l's language and
// the timeline.
func (u *pages) describe(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *breachView) error {
	org, err := u.organization(ctx, p, v.OrganizationID)
	if err != nil {
		return err
	}
	v.OrgName = org.Name
	zone := org.TimeZone
	cats, err := u.d.Breaches.Categories(ctx)
	if err != nil {
		return fmt.Errorf("data categories: %w", err)
	}
	v.Categories = categoryNames(l, v.DataCategories, cats)
	names := u.labels(l)
	for _, k := range v.Breach.Kinds {
		v.Kinds = append(v.Kinds, names.kind(k))
	}
	loc, name := zoneOf(zone)
	v.Zone = name
	for _, e := range v.Events {
		v.Timeline = append(v.Timeline, eventRow{Kind: l.Term("event", e.Kind), Label: names.event(e.Kind), Note: e.Note,
			At: newInstant(e.At, loc, name), RecordedZone: e.Zone})
	}
	return nil
}

// categoryNames names the breach's data categories in l's language (an
// unknown id is shown as is).
func categoryNames(l *i18n.Locale, ids []string, cats []breach.Category) []string {
	names := make(map[string]string, len(cats))
	for _, c := range cats {
		names[c.ID] = c.Name
		if l.Lang() == "fr" && c.NameFR != "" {
			names[c.ID] = c.NameFR
		}
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n := names[id]; n != "" {
			out = append(out, n)
		} else {
			out = append(out, id)
		}
	}
	return out
}

// addDuties fills the obligations and the unanswered questions.
func (u *pages) addDuties(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *breachView) error {
	list, err := u.obligations(ctx, l, p, v.ID)
	if err != nil {
		return fmt.Errorf("obligations: %w", err)
	}
	g := groupDuties(list.Obligations)
	v.Duties, v.Gaps = &g, list.Missing
	return nil
}

// addDocuments lists the breach's documents with their sizes.
func (u *pages) addDocuments(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *breachView) error {
	list, err := u.d.Documents.List(ctx, p, v.ID)
	if err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	loc, name := zoneOf(v.Zone)
	rows := make([]docRow, 0, len(list))
	for _, d := range list {
		rows = append(rows, docRow{Document: d, Size: byteSize(l, d.Size), Generated: newInstant(d.GeneratedAt, loc, name)})
	}
	v.Documents = &docSection{Rows: rows}
	return nil
}

// labels names vocabulary ids: from the message catalogue of the page's
// language, else from the regulation catalogue (English).
type labels struct {
	l *i18n.Locale
	v *rules.Vocabulary
}

func (u *pages) labels(l *i18n.Locale) labels {
	return labels{l: l, v: &u.catalogue(l).Vocabulary}
}

func (n labels) kind(id string) string {
	if n.l.Has("kind." + id) {
		return n.l.T("kind." + id)
	}
	if n.v != nil {
		for _, t := range n.v.Kinds {
			if t.ID == id {
				return t.Label
			}
		}
	}
	return humanize(id)
}

// event is the description of a clock event ("" if unknown). A regulation
// catalogue label that repeats the id ("aware: reasonable certainty …") is
// shortened to its description.
func (n labels) event(id string) string {
	if n.l.Has("event_help." + id) {
		return n.l.T("event_help." + id)
	}
	if n.v != nil {
		for _, t := range n.v.Events {
			if t.ID == id {
				return strings.TrimPrefix(t.Label, id+": ")
			}
		}
	}
	return ""
}
