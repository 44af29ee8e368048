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
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// obligationView is one obligation's page: why it applies in words, its
// citation and source, how certain the rule is, the readings of the law
// (the conservative one first), its history and the decisions the user
// may record.
type obligationView struct {
	layout
	Breach  breach.Breach
	Duty    dutyRow
	Missing []missingLink
	History []historyRow
	// Documents are the breach's documents a filing may cite.
	Documents []document.Document
	// SelectedDoc is the document the filing cites (0 for none).
	SelectedDoc int64
	Zone        string
	CanFile     bool
	CanDecide   bool
	// FiledAt is the filing form's date and time (now, in Zone).
	FiledAt string
	Done    string
	Problem *formError
	Posted  map[string]string
}

// missingLink is a fact an obligation still needs, in words, linking to
// where it is filled.
type missingLink struct {
	Label string
	Href  string
	// English marks a label from the English-only catalogue.
	English bool
}

// historyRow is one change of the obligation.
type historyRow struct {
	At         *instant
	Changes    []string
	Actor      string
	Cause      string
	From, To   string
	Reference  string
	Rationale  string
	DocumentID *int64
}

func (u *pages) obligationPage(c *gin.Context) {
	u.showObligation(c, http.StatusOK, nil)
}

// showObligation renders the obligation page; edit, when set, changes the
// view (a refused decision).
func (u *pages) showObligation(c *gin.Context, status int, edit func(*obligationView)) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	oid, err := web.ParamID(c, "oid")
	if err != nil {
		u.fail(c, err)
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	o, err := u.findObligation(c, p, b.ID, oid)
	if err != nil {
		u.fail(c, err)
		return
	}
	history, err := u.obligationW().History(ctx, p, b.ID, oid)
	if err != nil {
		u.fail(c, err)
		return
	}
	docs, err := u.d.Documents.List(ctx, p, b.ID)
	if err != nil {
		u.fail(c, err)
		return
	}
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		u.fail(c, err)
		return
	}
	loc, zone := zoneOf(org.TimeZone)
	v := &obligationView{layout: u.signedIn(c, o.Recipient.Name+" · "+b.Reference, "breaches"), Breach: b, Duty: newDutyRow(o),
		Documents: docs, Zone: zone, CanFile: p.Require(b.OrganizationID, auth.Write) == nil && o.Status != obligation.StatusFiled,
		CanDecide: p.Require(b.OrganizationID, auth.Approve) == nil, FiledAt: localValue(time.Now(), zone), Done: doneMessage(l, c)}
	v.Missing = u.missingLinks(l, b.ID, o.Missing)
	if o.DocumentID != nil {
		v.SelectedDoc = *o.DocumentID
	}
	if d, err := strconv.ParseInt(c.Query("document"), 10, 64); err == nil {
		v.SelectedDoc = d
	}
	for _, h := range history {
		v.History = append(v.History, newHistoryRow(h, loc, zone))
	}
	if edit != nil {
		edit(v)
	}
	u.render(c, status, "obligation", v)
}

// findObligation is one obligation of the breach, as the list shows it
// (with overdue and target flags computed).
func (u *pages) findObligation(c *gin.Context, p *auth.Principal, breachID, id int64) (obligation.Obligation, error) {
	list, err := u.obligations(c.Request.Context(), u.locale(c), p, breachID)
	if err != nil {
		return obligation.Obligation{}, err
	}
	for _, o := range list.Obligations {
		if o.ID == id {
			return o, nil
		}
	}
	return obligation.Obligation{}, errs.ErrNotFound
}

// newHistoryRow describes one change: what changed, who, why, and the
// status before and after.
func newHistoryRow(h obligation.History, loc *time.Location, zone string) historyRow {
	r := historyRow{At: newInstant(h.At, loc, zone), Changes: strings.Split(h.Change, ","), Actor: h.Actor, Cause: h.Cause}
	if h.Before != nil {
		r.From = h.Before.Status
	}
	if h.After != nil {
		r.To, r.Reference, r.Rationale, r.DocumentID = h.After.Status, h.After.FilingReference, h.After.Rationale, h.After.DocumentID
	}
	return r
}

// missingLinks names the facts an obligation needs and where each is
// filled: a question on the questionnaire, a field of the breach, the
// timeline, the organization's settings, or the roster.
func (u *pages) missingLinks(l *i18n.Locale, breachID int64, ids []string) []missingLink {
	v := &u.catalogue(l).Vocabulary
	out := make([]missingLink, 0, len(ids))
	for _, id := range ids {
		out = append(out, factLink(l, v, breachID, id))
	}
	return out
}

// factLink is where one missing fact (a question id or a facts field such
// as organization.roles, kinds, affected, events.aware) is filled.
func factLink(l *i18n.Locale, v *rules.Vocabulary, breachID int64, id string) missingLink {
	if q, ok := v.Question(id); ok {
		return missingLink{Label: q.Text, Href: breachPathOf(breachID, "/questions#q-"+id), English: l.Lang() != i18n.Default}
	}
	field := strings.ReplaceAll(strings.TrimPrefix(id, "events."), ".", "_")
	label := l.T("breach.fact.other")
	if key := "breach.fact." + field; l.Has(key) {
		label = l.T(key)
	}
	switch {
	case strings.HasPrefix(id, "organization."):
		return missingLink{Label: label, Href: "/admin/organization"}
	case id == "affected":
		return missingLink{Label: label, Href: breachPathOf(breachID, "/edit#estimates")}
	case id == "kinds" || id == "data_categories" || id == "nature":
		return missingLink{Label: label, Href: breachPathOf(breachID, "/edit#"+id)}
	case v.HasEvent(strings.TrimPrefix(id, "events.")):
		return missingLink{Label: l.T("breach.fact.event", "Event", l.Term("event", strings.TrimPrefix(id, "events."))),
			Href: breachPathOf(breachID, "/timeline#add-event")}
	}
	return missingLink{Label: label, Href: breachPathOf(breachID, "/edit")}
}

// obligationStatus records a decision: filed (date, regulator's reference,
// a document of the breach), not required or waived with a rationale
// (legal), or reopened. The service checks who may do which.
func (u *pages) obligationStatus(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	oid, err := web.ParamID(c, "oid")
	if err != nil {
		u.fail(c, err)
		return
	}
	in := obligation.StatusInput{Status: c.PostForm("status"), Reference: c.PostForm("reference"), Rationale: c.PostForm("rationale")}
	if in.Status == obligation.StatusFiled {
		in.FiledAt = localInstant(c.PostForm("filed_at"), c.PostForm("zone"))
	}
	if doc, err := strconv.ParseInt(c.PostForm("document_id"), 10, 64); err == nil && doc > 0 {
		in.DocumentID = &doc
	}
	form := "decide"
	if in.Status == obligation.StatusFiled {
		form = "file"
	}
	if _, err := u.obligationW().SetStatus(c.Request.Context(), web.Call(c), id, oid, in); err != nil {
		u.failForm(c, err, func(status int) {
			u.showObligation(c, status, func(v *obligationView) {
				v.Problem = newFormError(u.locale(c), form, err)
				v.Posted = map[string]string{"reference": in.Reference, "rationale": in.Rationale, "status": in.Status}
				if at := c.PostForm("filed_at"); at != "" {
					v.FiledAt = at
				}
			})
		})
		return
	}
	done := "status_" + in.Status
	c.Redirect(http.StatusSeeOther, breachPathOf(id, "/obligations/"+strconv.FormatInt(oid, 10)+"?done="+done+"#history"))
}
