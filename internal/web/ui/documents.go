package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/web"
)

// documentsView is the documents page of a breach: for the kind and stage
// chosen, what the document would print as not yet known (each item
// linking to where it is filled), the generation form, and every version
// generated, with its download and the form recording its filing.
type documentsView struct {
	layout
	Breach   breach.Breach
	Kinds    []option
	Stages   []option
	Kind     string
	Stage    string
	Filing   bool
	Missing  []docMissing
	Duties   []option
	Rows     []docRow
	Zone     string
	Now      string
	CanWrite bool
	Done     string
	Problem  *formError
}

// docMissing is one content item a document lacks and where it is filled.
type docMissing struct {
	document.Missing
	Href string
}

func (u *pages) documentsPage(c *gin.Context) {
	u.showDocuments(c, http.StatusOK, c.Query("kind"), c.Query("stage"), nil)
}

// showDocuments renders the documents page for a kind and stage; edit,
// when set, changes the view (a refused form).
func (u *pages) showDocuments(c *gin.Context, status int, kind, stage string, edit func(*documentsView)) {
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
	v := &documentsView{layout: u.signedIn(c, l.T("documents.page_title", "Reference", b.Reference), "breaches"), Breach: b,
		Zone: zone, Now: localValue(time.Now(), zone), CanWrite: p.Require(b.OrganizationID, auth.Write) == nil, Done: doneMessage(l, c)}
	v.Kinds, v.Kind, v.Filing = breachKinds(kind)
	v.Stage = stage
	if v.Filing {
		v.Stages = stageOptions(l, stage)
		if v.Stage == "" {
			v.Stage = document.StagePreliminary
		}
	}
	if v.Kind != "" {
		list, err := u.documentW().Missing(ctx, p, b.ID, v.Kind, v.Stage)
		if err != nil && !shownOnPage(err) {
			u.fail(c, err)
			return
		}
		for _, m := range list {
			v.Missing = append(v.Missing, docMissing{Missing: m, Href: u.contentLink(b.ID, m.Field)})
		}
	}
	if err := u.docDuties(c, p, v); err != nil {
		u.fail(c, err)
		return
	}
	docs, err := u.d.Documents.List(ctx, p, b.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	for _, d := range docs {
		v.Rows = append(v.Rows, docRow{Document: d, Size: byteSize(l, d.Size), Generated: newInstant(d.GeneratedAt, loc, zone)})
	}
	if edit != nil {
		edit(v)
	}
	u.render(c, status, "documents", v)
}

// breachKinds are the kinds of document a breach has (organization
// documents are made elsewhere), the one chosen if known, and whether it
// is a filing with stages.
func breachKinds(chosen string) ([]option, string, bool) {
	var out []option
	kind, filing := "", false
	for _, k := range document.Kinds() {
		if document.OrganizationKind(k.ID) {
			continue
		}
		label := k.Title
		if k.Regulator != "" {
			label += " — " + k.Regulator
		}
		out = append(out, option{ID: k.ID, Label: label, Checked: k.ID == chosen, English: k.Language != "fr"})
		if k.ID == chosen {
			kind, filing = k.ID, k.Filing
		}
	}
	return out, kind, filing
}

// stageOptions are a filing's stages.
func stageOptions(l *i18n.Locale, chosen string) []option {
	var out []option
	for _, s := range []string{document.StagePreliminary, document.StageUpdate, document.StageFinal} {
		out = append(out, option{ID: s, Label: l.Term("stage", s), Checked: s == chosen})
	}
	return out
}

// docDuties are the breach's open duties a filing may answer.
func (u *pages) docDuties(c *gin.Context, p *auth.Principal, v *documentsView) error {
	list, err := u.obligations(c.Request.Context(), u.locale(c), p, v.Breach.ID)
	if err != nil {
		return err
	}
	for _, o := range list.Obligations {
		if o.Considered && o.Kind != "retention" {
			v.Duties = append(v.Duties, option{ID: strconv.FormatInt(o.ID, 10), Label: o.Recipient.Name + " (" + o.RuleKey + ")", English: true})
		}
	}
	return nil
}

// contentLink is where a document's missing item is filled: a content
// question (answer:ID, or a field a question answers), the breach's facts,
// the timeline, the roster or estimates, or the organization's settings.
func (u *pages) contentLink(breachID int64, field string) string {
	v := &u.d.Obligations.Catalogue().Vocabulary
	name := strings.TrimPrefix(strings.TrimPrefix(field, "answer:"), "breach.")
	if _, ok := v.ContentQuestion(name); ok {
		return breachPathOf(breachID, "/questions#q-"+name)
	}
	if _, ok := v.Question(name); ok {
		return breachPathOf(breachID, "/questions#q-"+name)
	}
	switch {
	case strings.HasPrefix(field, "org."):
		return "/admin/organization"
	case field == "breach.affected" || field == "breach.affected_by_region" || strings.HasPrefix(field, "residents:"):
		return breachPathOf(breachID, "/edit#estimates")
	case field == "breach.aware" || field == "breach.discovered" || field == "breach.determined" || field == "breach.period" || field == "breach.notified":
		return breachPathOf(breachID, "/timeline#add-event")
	case field == "breach.data":
		return breachPathOf(breachID, "/edit#data_categories")
	case field == "breach.kinds" || field == "breach.nature" || field == "breach.description":
		return breachPathOf(breachID, "/edit#"+name)
	}
	return breachPathOf(breachID, "/questions#content")
}

// generateDocument generates a document of the kind and stage chosen, for
// the duty chosen (or the one its rules answer), then lists it.
func (u *pages) generateDocument(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	r := document.Request{Kind: c.PostForm("kind"), Stage: c.PostForm("stage"), State: c.PostForm("state")}
	if oid, err := strconv.ParseInt(c.PostForm("obligation_id"), 10, 64); err == nil && oid > 0 {
		r.ObligationID = &oid
	}
	d, err := u.documentW().Generate(c.Request.Context(), web.Call(c), id, r)
	if err != nil {
		u.failForm(c, err, func(status int) {
			u.showDocuments(c, status, r.Kind, r.Stage, func(v *documentsView) {
				v.Problem = newFormError(u.locale(c), "generate", err)
			})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "/documents?done=generated&kind="+d.Kind+"#doc-"+strconv.FormatInt(d.ID, 10)))
}

// fileDocument records that a document was filed with its regulator: when,
// and the regulator's reference. The duty it answers is marked filed in
// the same step (the obligation's history shows it).
func (u *pages) fileDocument(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	ctx, p := c.Request.Context(), web.Principal(c)
	d, err := u.documentW().Get(ctx, p, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	if d.BreachID == nil {
		u.fail(c, errs.ErrNotFound)
		return
	}
	at, perr := time.Parse(time.RFC3339, localInstant(c.PostForm("filed_at"), c.PostForm("zone")))
	if perr != nil {
		at = time.Time{}
	}
	if _, err = u.documentW().File(ctx, web.Call(c), id, at, c.PostForm("reference")); err != nil {
		u.failForm(c, err, func(status int) {
			// The page shown again is the breach's documents page.
			for i := range c.Params {
				if c.Params[i].Key == "id" {
					c.Params[i].Value = strconv.FormatInt(*d.BreachID, 10)
				}
			}
			u.showDocuments(c, status, d.Kind, d.Stage, func(v *documentsView) {
				v.Problem = newFormError(u.locale(c), "file-"+strconv.FormatInt(id, 10), err)
			})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, breachPathOf(*d.BreachID, "/documents?done=filed#doc-"+strconv.FormatInt(id, 10)))
}
