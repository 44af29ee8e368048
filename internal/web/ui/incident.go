package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/incident"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// IncidentService keeps the public incident page of each breach
// (incident.Service); it checks every permission itself.
type IncidentService interface {
	Manage(ctx context.Context, p *auth.Principal, breachID int64) (incident.Management, error)
	SaveDraft(ctx context.Context, c breach.Call, breachID int64, in incident.DraftInput) (incident.Incident, error)
	Publish(ctx context.Context, c breach.Call, breachID int64, version int) (incident.Incident, error)
	PostUpdate(ctx context.Context, c breach.Call, breachID int64, en, fr string) (incident.Update, error)
	Withdraw(ctx context.Context, c breach.Call, breachID int64) (incident.Incident, error)
	SetIndex(ctx context.Context, c breach.Call, breachID int64, on bool) (incident.Settings, error)
}

// incidentRoutes adds the privacy office's incident page and its forms (a
// draft's texts are larger than other forms). The preview is a public
// template: internal/web/public serves it.
func (u *pages) incidentRoutes(r *gin.Engine) {
	if u.d.Incidents == nil {
		panic("ui: the incident service is required")
	}
	if err := u.parsePage("incident"); err != nil {
		panic(err)
	}
	g := r.Group("/breaches/:id/incident", web.LimitBody(1<<20), u.s.RejectNULForm, u.requirePage)
	g.GET("", u.incidentPage)
	g.POST("", u.saveIncidentDraft)
	g.POST("/publish", u.incidentStep(stepIncidentPublish))
	g.POST("/updates", u.incidentStep(stepIncidentUpdate))
	g.POST("/withdraw", u.incidentStep(stepIncidentWithdraw))
	g.POST("/index", u.incidentStep(stepIncidentIndex))
}

// incidentData is the incident page.
type incidentData struct {
	layout
	Breach   breach.Breach
	M        incident.Management
	Form     incidentForm
	CanWrite bool
	// Campaigns offer their substitute notice to fill the draft.
	Campaigns []notice.Campaign
	Flash     string
	Problem   *pageProblem
}

// incidentForm is the draft form: the slug, the call centre and the texts
// by language.
type incidentForm struct {
	Slug       string
	CallCentre string
	Langs      []incidentLang
}

// incidentLang is the draft's texts in one language.
type incidentLang struct {
	Lang  string
	Texts incident.Texts
}

func newIncidentForm(slug string, c incident.Content) incidentForm {
	f := incidentForm{Slug: slug, CallCentre: c.CallCentre}
	for _, lang := range incident.Languages {
		f.Langs = append(f.Langs, incidentLang{Lang: lang, Texts: c.In(lang)})
	}
	return f
}

// formContent reads the draft form.
func formContent(c *gin.Context) incident.Content {
	out := incident.Content{Texts: map[string]incident.Texts{}, CallCentre: c.PostForm("call_centre")}
	for _, lang := range incident.Languages {
		out.Texts[lang] = incident.Texts{Title: c.PostForm("title_" + lang), WhatHappened: c.PostForm("what_happened_" + lang),
			WhatWeAreDoing: c.PostForm("what_we_are_doing_" + lang), WhatYouCanDo: c.PostForm("what_you_can_do_" + lang),
			Contact: c.PostForm("contact_" + lang), SubstituteText: c.PostForm("substitute_notice_" + lang)}
	}
	return out
}

func (u *pages) incidentPage(c *gin.Context) {
	u.showIncident(c, http.StatusOK, nil)
}

// showIncident renders the page with status; edit adds a refusal or the
// texts a refused form posted.
func (u *pages) showIncident(c *gin.Context, status int, edit func(*incidentData)) {
	ctx, p, l := c.Request.Context(), web.Principal(c), u.locale(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	b, err := u.d.Breaches.Get(ctx, p, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	m, err := u.d.Incidents.Manage(ctx, p, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	d := incidentData{layout: u.signedIn(c, l.T("incident.manage.title", "Ref", b.Reference), "breaches"), Breach: b, M: m,
		CanWrite: p.Require(b.OrganizationID, auth.Write) == nil}
	slug := ""
	if m.Incident != nil {
		slug = m.Incident.Slug
	}
	d.Form = newIncidentForm(slug, m.Draft)
	if d.CanWrite {
		if err := u.prefillSubstitute(c, &d); err != nil {
			u.fail(c, err)
			return
		}
	}
	if done := c.Query("done"); done != "" && l.Has("incident.manage.done."+done) {
		d.Flash = l.T("incident.manage.done." + done)
	}
	if edit != nil {
		edit(&d)
	}
	u.render(c, status, "incident", d)
}

// prefillSubstitute lists the breach's campaigns and, with
// ?from_campaign=, fills the draft's substitute notice from that
// campaign's (the privacy officer then saves it).
func (u *pages) prefillSubstitute(c *gin.Context, d *incidentData) error {
	ctx, p := c.Request.Context(), web.Principal(c)
	list, err := u.d.Notices.Campaigns(ctx, p, d.Breach.ID)
	if err != nil {
		return err
	}
	d.Campaigns = list
	from, err := strconv.ParseInt(c.Query("from_campaign"), 10, 64)
	if err != nil || from <= 0 {
		return nil
	}
	sub, err := u.d.Notices.Substitute(ctx, p, from)
	if err != nil {
		return err
	}
	for i := range d.Form.Langs {
		if text := sub.Text[d.Form.Langs[i].Lang]; text != "" {
			d.Form.Langs[i].Texts.SubstituteText = text
		}
	}
	return nil
}

// saveIncidentDraft saves the form as a new version; a refusal shows the
// page again with what was typed.
func (u *pages) saveIncidentDraft(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	var err error
	content := formContent(c)
	_, err = u.d.Incidents.SaveDraft(c.Request.Context(), web.Call(c), id, incident.DraftInput{Slug: c.PostForm("slug"), Content: content})
	if err != nil {
		u.incidentRefused(c, err, func(d *incidentData) { d.Form = newIncidentForm(c.PostForm("slug"), content) })
		return
	}
	c.Redirect(http.StatusSeeOther, incidentPath(id, "draft"))
}

// The state changes of an incident page.
const (
	stepIncidentPublish  = "publish"
	stepIncidentUpdate   = "update"
	stepIncidentWithdraw = "withdraw"
	stepIncidentIndex    = "index"
)

// incidentStep handles one state change's form.
func (u *pages) incidentStep(step string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := u.formParam(c, "id")
		if !ok {
			return
		}
		var err error
		ctx, call := c.Request.Context(), web.Call(c)
		switch step {
		case stepIncidentPublish:
			version, _ := strconv.Atoi(c.PostForm("version")) // a wrong number is refused as a changed draft
			_, err = u.d.Incidents.Publish(ctx, call, id, version)
		case stepIncidentUpdate:
			_, err = u.d.Incidents.PostUpdate(ctx, call, id, c.PostForm("update_en"), c.PostForm("update_fr"))
		case stepIncidentWithdraw:
			_, err = u.d.Incidents.Withdraw(ctx, call, id)
		case stepIncidentIndex:
			_, err = u.d.Incidents.SetIndex(ctx, call, id, c.PostForm("public_index") == "on")
		}
		if err != nil {
			u.incidentRefused(c, err, nil)
			return
		}
		c.Redirect(http.StatusSeeOther, incidentPath(id, step))
	}
}

// incidentRefused shows a refusal the user can act on beside the forms
// (with its status); any other error is an error page.
func (u *pages) incidentRefused(c *gin.Context, err error, edit func(*incidentData)) {
	if !shownOnPage(err) {
		u.fail(c, err)
		return
	}
	l := u.locale(c)
	u.showIncident(c, web.Classify(err).Status, func(d *incidentData) {
		d.Problem = newPageProblem(l, err)
		if edit != nil {
			edit(d)
		}
	})
}

// incidentPath is the incident page, with what was just done.
func incidentPath(breachID int64, done string) string {
	return "/breaches/" + strconv.FormatInt(breachID, 10) + "/incident?done=" + done
}
