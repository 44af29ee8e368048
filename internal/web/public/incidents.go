package public

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/incident"
)

// IncidentData is an incident page as the template reads it; the privacy
// office's preview shows the same template.
type IncidentData struct {
	frame
	Page  incident.Public
	Texts incident.Texts
	// Updates are the dated updates in the page's language.
	Updates []UpdateView
}

// UpdateView is one dated update.
type UpdateView struct {
	incident.Update
	Text string
}

// NewIncidentData is the view of a page in l's language; path is its
// address for the language link.
func NewIncidentData(l *i18n.Locale, pg incident.Public, path string, query url.Values) IncidentData {
	d := IncidentData{Page: pg, Texts: pg.Content.In(l.Lang())}
	d.frame = newFrame(l, "public.incident.title", path, query)
	if d.Texts.Title != "" {
		d.Title = d.Texts.Title
	}
	d.NoIndex = pg.Preview || pg.Status != incident.Published
	for _, u := range pg.Updates {
		d.Updates = append(d.Updates, UpdateView{Update: u, Text: u.In(l.Lang())})
	}
	return d
}

// incidentPage shows a published page; a withdrawn one answers 410 with a
// plain page; any other address is not found.
func (p *site) incidentPage(c *gin.Context) {
	l := locale(c)
	slug := c.Param("slug")
	pg, err := p.d.Incidents.PublicPage(c.Request.Context(), slug)
	if err != nil {
		p.fail(c, l, err)
		return
	}
	path := "/incidents/" + slug
	if pg.Status == incident.Withdrawn {
		d := newFrame(l, "public.gone.title", path, nil)
		d.NoIndex = true
		p.render(c, l, http.StatusGone, "gone", d)
		return
	}
	p.render(c, l, http.StatusOK, "incident", NewIncidentData(l, pg, path, nil))
}

// indexData is an organization's index of published pages.
type indexData struct {
	frame
	Index incident.Index
}

// indexPage lists an organization's published pages, when it chose to.
func (p *site) indexPage(c *gin.Context) {
	l := locale(c)
	idx, err := p.d.Incidents.PublicIndex(c.Request.Context(), c.Param("slug"))
	if err != nil {
		p.fail(c, l, err)
		return
	}
	d := indexData{frame: newFrame(l, "public.index.title", "/incidents/org/"+idx.Slug, nil), Index: idx}
	p.render(c, l, http.StatusOK, "index", d)
}

// previewPage shows the latest draft of a breach's page to a signed-in
// member of its organization, with the public template, marked as a
// preview and never indexed. Without a session it sends to sign-in.
func (p *site) previewPage(c *gin.Context) {
	l := locale(c)
	pr, _, ok := p.s.SessionPrincipal(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request.URL.Path))
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		p.fail(c, l, errs.ErrNotFound)
		return
	}
	pg, err := p.d.Incidents.Preview(c.Request.Context(), pr, id)
	if err != nil {
		p.fail(c, l, err)
		return
	}
	p.render(c, l, http.StatusOK, "incident", NewIncidentData(l, pg, c.Request.URL.Path, nil))
}
