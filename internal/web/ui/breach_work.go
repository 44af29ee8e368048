package ui

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/web"
)

// breachWriter is what the breach forms need of breaches beyond reading
// (breach.Service): the same calls, and so the same permission checks and
// audit entries, as the JSON API's.
type breachWriter interface {
	Create(ctx context.Context, c breach.Call, orgID int64, in breach.Input) (breach.Breach, error)
	Update(ctx context.Context, c breach.Call, id int64, in breach.Input) (breach.Breach, error)
	AddEvent(ctx context.Context, c breach.Call, id int64, in breach.EventInput) (breach.Event, error)
	CorrectEvent(ctx context.Context, c breach.Call, id, eventID int64, in breach.EventInput, reason string) (breach.Event, error)
	RemoveEvent(ctx context.Context, c breach.Call, id, eventID int64, reason string) error
	EventHistory(ctx context.Context, p *auth.Principal, id int64) ([]breach.EventChange, error)
	SetAnswer(ctx context.Context, c breach.Call, id int64, question string, in breach.AnswerInput) (breach.Answer, error)
}

// obligationActions is what the obligation page needs beyond the list
// (obligation.Service): its history and people's decisions.
type obligationActions interface {
	History(ctx context.Context, p *auth.Principal, breachID, id int64) ([]obligation.History, error)
	SetStatus(ctx context.Context, c breach.Call, breachID, id int64, in obligation.StatusInput) (obligation.Obligation, error)
}

// documentActions is what the documents page needs beyond the list
// (document.Service): the missing-content check, generation and filing.
type documentActions interface {
	Missing(ctx context.Context, p *auth.Principal, breachID int64, kind, stage string) ([]document.Missing, error)
	Generate(ctx context.Context, c breach.Call, breachID int64, r document.Request) (document.Document, error)
	Get(ctx context.Context, p *auth.Principal, id int64) (document.Document, error)
	File(ctx context.Context, c breach.Call, id int64, filedAt time.Time, reference string) (document.Document, error)
}

// breachWorkPages are the page templates of running a breach.
var breachWorkPages = []string{"breach_edit", "timeline", "questionnaire", "obligation", "documents"}

// breachWorkRoutes adds the pages and forms that run a breach: intake and
// edit, the timeline, the questionnaire, obligation decisions and the
// documents. The services given to Register must offer the calls above.
func (u *pages) breachWorkRoutes(forms *gin.RouterGroup) {
	if _, ok := u.d.Breaches.(breachWriter); !ok {
		panic("ui: the breach service cannot change breaches")
	}
	if _, ok := u.d.Obligations.(obligationActions); !ok {
		panic("ui: the obligation service cannot record decisions")
	}
	if _, ok := u.d.Documents.(documentActions); !ok {
		panic("ui: the document service cannot generate documents")
	}
	// The breach page is parsed again with the partials it shares with
	// these pages.
	for _, name := range append([]string{"breach"}, breachWorkPages...) {
		if err := u.parseWorkPage(name); err != nil {
			panic(err)
		}
	}
	forms.GET("/breaches/new", u.requirePage, u.newBreachPage)
	forms.POST("/breaches/new", u.requirePage, u.createBreach)
	forms.GET("/breaches/:id/edit", u.requirePage, u.editBreachPage)
	forms.POST("/breaches/:id/edit", u.requirePage, u.updateBreach)
	forms.GET("/breaches/:id/timeline", u.requirePage, u.timelinePage)
	forms.POST("/breaches/:id/events", u.requirePage, u.addEvent)
	forms.POST("/breaches/:id/events/:event/correct", u.requirePage, u.correctEvent)
	forms.POST("/breaches/:id/events/:event/delete", u.requirePage, u.deleteEvent)
	forms.GET("/breaches/:id/questions", u.requirePage, u.questionnairePage)
	forms.POST("/breaches/:id/questions/:question", u.requirePage, u.answerQuestion)
	forms.GET("/breaches/:id/obligations/:oid", u.requirePage, u.obligationPage)
	forms.POST("/breaches/:id/obligations/:oid/status", u.requirePage, u.obligationStatus)
	forms.GET("/breaches/:id/documents", u.requirePage, u.documentsPage)
	forms.POST("/breaches/:id/documents", u.requirePage, u.generateDocument)
	forms.POST("/documents/:id/filing", u.requirePage, u.fileDocument)
}

// parseWorkPage parses a page as parsePage does, with the partials of
// the breach's forms.
func (u *pages) parseWorkPage(name string) error {
	return u.parseWith(name, "pages/breach_partials.html")
}

func (u *pages) breachW() breachWriter          { return u.d.Breaches.(breachWriter) }
func (u *pages) obligationW() obligationActions { return u.d.Obligations.(obligationActions) }
func (u *pages) documentW() documentActions     { return u.d.Documents.(documentActions) }

// formError is a refused form shown beside its fields: the problem, the
// field messages in the page's language, and which form it was (several
// forms share a page).
type formError struct {
	*pageProblem
	Form string
}

// newFormError describes err for the form named form. English pages show
// the service's own words; others the catalogue's for each field.
func newFormError(l *i18n.Locale, form string, err error) *formError {
	pp := newPageProblem(l, err)
	fields := make(map[string]string, len(pp.Fields))
	for f, msg := range pp.Fields {
		f = normalField(f)
		if l.Lang() != i18n.Default {
			msg = l.T("breach.field.invalid")
			if key := "breach.field." + fieldGroup(f); l.Has(key) {
				msg = l.T(key)
			}
		}
		fields[f] = msg
	}
	pp.Fields = fields
	return &formError{pageProblem: pp, Form: form}
}

// normalField names a service's field as the page's forms do: the first
// event of an intake is the form's event.
func normalField(f string) string {
	return strings.Replace(f, "events[0].", "event.", 1)
}

// fieldGroup is the catalogue key part of a field: "estimates.CA-ON" is
// an estimate.
func fieldGroup(f string) string {
	if strings.HasPrefix(f, "estimates") {
		return "estimates"
	}
	return strings.ReplaceAll(f, ".", "_")
}

// Field is the message for one field of this form, "" when none.
func (f *formError) Field(form, name string) string {
	if f == nil || f.Form != form {
		return ""
	}
	return f.Fields[name]
}

// For reports whether the problem belongs to the form.
func (f *formError) For(form string) bool { return f != nil && f.Form == form }

// failForm shows a refused form again on its page (status from the error)
// or, for what the page cannot help with (no permission, no such breach),
// the error page.
func (u *pages) failForm(c *gin.Context, err error, show func(status int)) {
	if !shownOnPage(err) {
		u.fail(c, err)
		return
	}
	show(web.Classify(err).Status)
}

// localInstant turns a datetime-local value ("2025-10-24T10:00") read in
// zone into RFC 3339; anything it cannot read is passed on as it is, for
// the service to refuse with its field.
func localInstant(value, zone string) string {
	value = strings.TrimSpace(value)
	loc, err := time.LoadLocation(strings.TrimSpace(zone))
	if value == "" || err != nil {
		return value
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, value, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return value
}

// localValue writes t in zone as a datetime-local value.
func localValue(t time.Time, zone string) string {
	loc, _ := zoneOf(zone)
	return t.In(loc).Format("2006-01-02T15:04")
}

// breachPathOf is a page of a breach: /breaches/ID plus rest.
func breachPathOf(id int64, rest string) string {
	return "/breaches/" + strconv.FormatInt(id, 10) + rest
}

// option is one choice of a form: a checkbox, radio or select option.
type option struct {
	ID, Label string
	Checked   bool
	// English marks a label taken from the English-only regulation
	// catalogue.
	English bool
}

// checked marks the options whose id is in ids.
func checked(opts []option, ids []string) []option {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	for i := range opts {
		opts[i].Checked = set[opts[i].ID]
	}
	return opts
}

// orgSettings are the organization's settings that decide which laws
// apply to a breach, in words, with the settings page for admins.
type orgSettings struct {
	Name     string
	Roles    []string
	Sectors  []string
	Home     string
	Zone     string
	CanAdmin bool
}

// settingsOf describes an organization's applicability settings.
func (u *pages) settingsOf(l *i18n.Locale, p *auth.Principal, org auth.Organization) *orgSettings {
	v := &u.catalogue(l).Vocabulary
	s := &orgSettings{Name: org.Name, Zone: org.TimeZone, CanAdmin: p.Require(org.ID, auth.Administer) == nil}
	for _, id := range org.Roles {
		s.Roles = append(s.Roles, termLabel(v.Roles, id))
	}
	for _, id := range org.Sectors {
		s.Sectors = append(s.Sectors, termLabel(v.Sectors, id))
	}
	if org.HomeJurisdiction != "" {
		s.Home = v.RegionName(org.HomeJurisdiction)
	}
	return s
}

// writableOrgs are the caller's organizations where it may open a breach.
func (u *pages) writableOrgs(ctx context.Context, p *auth.Principal) ([]auth.Organization, error) {
	orgs, err := u.d.Auth.Organizations(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]auth.Organization, 0, len(orgs))
	for _, o := range orgs {
		if p.Require(o.ID, auth.Write) == nil {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// doneMessage is the confirmation of an action just done, from ?done=.
func doneMessage(l *i18n.Locale, c *gin.Context) string {
	key := "breach.done." + c.Query("done")
	if c.Query("done") == "" || !l.Has(key) {
		return ""
	}
	return l.T(key)
}

// breachWorkView is what the breach page shows to run the breach: the
// confirmation of what was just done, which actions the user may take,
// the organization's applicability settings and the estimates.
type breachWorkView struct {
	Done      string
	CanWrite  bool
	Settings  *orgSettings
	Estimates []tally
	// Gaps link each unanswered question or missing fact to where it is
	// filled, in the order of the breach page's gap list.
	Gaps []gapLink
}

// gapLink is one gap of the breach page with where it is filled.
type gapLink struct {
	obligation.Gap
	missingLink
	// Question: the gap is a question of the questionnaire.
	Question bool
}

// breachWorkView gathers the breach page's actions and settings.
func (u *pages) breachWorkView(c *gin.Context, p *auth.Principal, b breach.Breach, gaps []obligation.Gap) (*breachWorkView, error) {
	org, err := u.organization(c.Request.Context(), p, b.OrganizationID)
	if err != nil {
		return nil, err
	}
	l := u.locale(c)
	w := &breachWorkView{Done: doneMessage(l, c), CanWrite: p.Require(b.OrganizationID, auth.Write) == nil,
		Settings: u.settingsOf(l, p, org), Estimates: tallies(b.Estimates)}
	v := &u.catalogue(l).Vocabulary
	for _, g := range gaps {
		_, isQ := v.Question(g.ID)
		w.Gaps = append(w.Gaps, gapLink{Gap: g, missingLink: factLink(l, v, b.ID, g.ID), Question: isQ})
	}
	return w, nil
}
