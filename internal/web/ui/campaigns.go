package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// campaignsData is the campaigns page of a breach.
type campaignsData struct {
	layout
	Campaigns *campaignsView
}

// campaignsView lists a breach's campaigns and, for those who may, the
// form that starts one.
type campaignsView struct {
	BreachID    int64
	BreachRef   string
	BreachTitle string
	OrgSlug     string
	Rows        []campaignRow
	Form        *campaignForm
}

// campaignRow is one campaign as a list shows it, with its progress.
type campaignRow struct {
	notice.Campaign
	Created  *instant
	Progress progressLine
}

// progressLine is a campaign's progress in one line: deliveries in a final
// state out of all, once its audience is expanded.
type progressLine struct {
	Done, Total int64
	Percent     int
}

func newProgressLine(p notice.Progress) progressLine {
	pl := progressLine{Done: p.Done, Total: int64(p.Total)}
	if p.Total > 0 {
		pl.Percent = int(100 * p.Done / int64(p.Total))
	}
	return pl
}

// campaignForm is the "new campaign" form with the audience it would
// reach.
type campaignForm struct {
	Name, TemplateSet, DefaultLanguage string
	ObligationID                       int64
	Sets                               []setOption
	Languages                          []string
	Duties                             []dutyOption
	Regions, Langs, Channels           []choice
	Imports                            []choice
	// Size is the audience the filters choose.
	Size                        int64
	ByRegion, ByLang, ByChannel []tally
	Problem                     *pageProblem
}

// setOption is a template set in a list to choose from.
type setOption struct {
	Key, Name string
	Shipped   bool
}

// dutyOption is a duty to individuals a campaign may answer.
type dutyOption struct {
	ID    int64
	Label string
	Rule  string
}

// choice is one checkbox of an audience filter.
type choice struct {
	Value, Label string
	N            int64
	Checked      bool
}

// campaignsPage lists a breach's campaigns; writers get the form, whose
// filters (in the query, or posted with "count") show the audience first.
func (u *pages) campaignsPage(c *gin.Context) {
	u.showCampaigns(c, http.StatusOK, nil)
}

// showCampaigns renders the campaigns page with the form as the request
// filled it and a refused creation's problem.
func (u *pages) showCampaigns(c *gin.Context, status int, problem *pageProblem) {
	p, b, ok := u.pageBreach(c)
	if !ok {
		return
	}
	ctx, l := c.Request.Context(), u.locale(c)
	v, err := u.campaignsView(ctx, l, p, b)
	if err != nil {
		u.fail(c, err)
		return
	}
	if v.Form != nil {
		_ = c.Request.ParseForm() // a form too large or malformed reads as empty
		if err := u.fillCampaignForm(ctx, l, p, b, v.Form, c.Request.Form); err != nil {
			u.fail(c, err)
			return
		}
		v.Form.Problem = problem
	}
	title := l.T("notices.campaigns.title", "Ref", b.Reference)
	u.render(c, status, "campaigns", campaignsData{layout: u.signedIn(c, title, "breaches"), Campaigns: v})
}

// campaignsView lists the campaigns with their progress.
func (u *pages) campaignsView(ctx context.Context, l *i18n.Locale, p *auth.Principal, b breach.Breach) (*campaignsView, error) {
	org, err := u.organization(ctx, p, b.OrganizationID)
	if err != nil {
		return nil, err
	}
	v := &campaignsView{BreachID: b.ID, BreachRef: b.Reference, BreachTitle: b.Title, OrgSlug: org.Slug}
	list, err := u.d.Notices.Campaigns(ctx, p, b.ID)
	if err != nil {
		return nil, err
	}
	loc, zone := zoneOf(org.TimeZone)
	for _, cp := range list {
		pr, err := u.d.Notices.Progress(ctx, p, cp.ID)
		if err != nil {
			return nil, err
		}
		v.Rows = append(v.Rows, campaignRow{Campaign: cp, Created: newInstant(cp.CreatedAt, loc, zone), Progress: newProgressLine(pr)})
	}
	if rightsIn(p, b.OrganizationID).Write {
		v.Form = &campaignForm{}
	}
	return v, nil
}

// fillCampaignForm fills the form's choices and the values sent, and counts
// the audience the filters choose.
func (u *pages) fillCampaignForm(ctx context.Context, l *i18n.Locale, p *auth.Principal, b breach.Breach, f *campaignForm, form url.Values) error {
	f.Name, f.TemplateSet, f.DefaultLanguage = form.Get("name"), form.Get("template_set"), form.Get("default_language")
	f.ObligationID, _ = strconv.ParseInt(form.Get("obligation_id"), 10, 64)
	if f.TemplateSet == "" {
		f.TemplateSet = "general"
	}
	if f.DefaultLanguage == "" {
		f.DefaultLanguage = l.Lang()
	}
	f.Languages = notice.Languages
	sets, err := u.d.Notices.TemplateSets(ctx, p, b.OrganizationID)
	if err != nil {
		return err
	}
	for _, s := range sets {
		f.Sets = append(f.Sets, setOption{Key: s.Key, Name: setName(l, s), Shipped: s.Shipped})
	}
	if f.Duties, err = u.individualDuties(ctx, l, p, b.ID); err != nil {
		return err
	}
	if err := u.audienceChoices(ctx, p, b.ID, f, form); err != nil {
		return err
	}
	size, err := u.d.Notices.AudienceSize(ctx, p, b.ID, audienceFrom(form))
	if err != nil {
		return err
	}
	f.Size, f.ByRegion, f.ByLang, f.ByChannel = size.Total, tallies(size.Regions), tallies(size.Languages), tallies(size.Channels)
	return nil
}

// individualDuties lists the breach's duties to individuals that apply or
// may apply, for a campaign to answer.
func (u *pages) individualDuties(ctx context.Context, l *i18n.Locale, p *auth.Principal, breachID int64) ([]dutyOption, error) {
	list, err := u.obligations(ctx, l, p, breachID)
	if err != nil {
		return nil, err
	}
	var out []dutyOption
	for _, o := range list.Obligations {
		if !toIndividuals(o) || !o.Considered || (o.Required != nil && !*o.Required) {
			continue
		}
		out = append(out, dutyOption{ID: o.ID, Label: dutyLabel(l, o), Rule: o.RuleID})
	}
	return out, nil
}

// toIndividuals reports whether a duty is to notify the affected people.
func toIndividuals(o obligation.Obligation) bool { return o.Recipient.Kind == "individual" }

// dutyLabel names a duty to individuals: its recipient and rule, and its
// status when it is done.
func dutyLabel(l *i18n.Locale, o obligation.Obligation) string {
	s := o.Recipient.Name + " — " + o.RuleID
	if o.RulePart != "" {
		s += "/" + o.RulePart
	}
	if !o.Open() {
		s += " (" + l.Term("obligation_status", o.Status) + ")"
	}
	return s
}

// audienceChoices offers the breach's regions, languages and imports, and
// the channels a notice goes by, checking those the form sent.
func (u *pages) audienceChoices(ctx context.Context, p *auth.Principal, breachID int64, f *campaignForm, form url.Values) error {
	t, err := u.d.Roster.Counts(ctx, p, breachID)
	if err != nil {
		return err
	}
	picked := func(name string) map[string]bool {
		m := map[string]bool{}
		for _, v := range form[name] {
			m[v] = true
		}
		return m
	}
	f.Regions = choices(t.Regions, picked("region"))
	f.Langs = choices(t.Languages, picked("language"))
	ch := picked("channel")
	for _, v := range []string{notice.ChannelEmail, notice.ChannelPostal} {
		f.Channels = append(f.Channels, choice{Value: v, N: t.Channels[v], Checked: ch[v]})
	}
	imports, err := u.d.Roster.ListImports(ctx, p, breachID)
	if err != nil {
		return err
	}
	imp := picked("import")
	for _, i := range imports {
		if i.Status != roster.StatusDone {
			continue
		}
		id := strconv.FormatInt(i.ID, 10)
		f.Imports = append(f.Imports, choice{Value: id, Label: i.FileName, N: i.Accepted, Checked: imp[id]})
	}
	return nil
}

// choices are the values of a count map as checkboxes, by value, leaving
// out the unknown (it cannot be chosen).
func choices(counts map[string]int64, checked map[string]bool) []choice {
	var out []choice
	for v, n := range counts {
		if v != roster.UnknownValue && v != "" {
			out = append(out, choice{Value: v, N: n, Checked: checked[v]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// audienceFrom reads the audience filters of a form.
func audienceFrom(form url.Values) notice.Audience {
	a := notice.Audience{Regions: form["region"], Languages: form["language"], Channels: form["channel"]}
	for _, v := range form["import"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			a.Imports = append(a.Imports, id)
		}
	}
	return a
}

// createCampaign starts a draft campaign from the form and shows it; the
// form's "count" button only shows the audience the filters choose.
func (u *pages) createCampaign(c *gin.Context) {
	if !u.formChecked(c) {
		return
	}
	if c.PostForm("do") == "count" {
		u.showCampaigns(c, http.StatusOK, nil)
		return
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	_ = c.Request.ParseForm() // a form too large or malformed reads as empty
	form := c.Request.PostForm
	name, set, lang := strings.TrimSpace(form.Get("name")), form.Get("template_set"), form.Get("default_language")
	in := notice.CampaignInput{Name: &name, TemplateSet: &set, DefaultLanguage: &lang}
	if a := audienceFrom(form); len(a.Regions)+len(a.Languages)+len(a.Channels)+len(a.Imports) > 0 {
		in.Audience = &a
	}
	if ob, err := strconv.ParseInt(form.Get("obligation_id"), 10, 64); err == nil && ob > 0 {
		in.ObligationID = &ob
	}
	cp, err := u.d.Notices.CreateCampaign(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		if !shownOnPage(err) {
			u.fail(c, err)
			return
		}
		u.showCampaigns(c, web.Classify(err).Status, newPageProblem(u.locale(c), err))
		return
	}
	c.Redirect(http.StatusSeeOther, campaignPath(cp.ID, "created"))
}

// noticeSection is the breach page's summary of its campaigns.
type noticeSection struct {
	Rows     []campaignRow
	CanWrite bool
}

// addNotices fills the breach page's notices section: each campaign's
// status and progress in a line.
func (u *pages) addNotices(ctx context.Context, p *auth.Principal, v *breachView) error {
	list, err := u.d.Notices.Campaigns(ctx, p, v.ID)
	if err != nil {
		return fmt.Errorf("campaigns: %w", err)
	}
	sec := &noticeSection{CanWrite: rightsIn(p, v.OrganizationID).Write}
	for _, cp := range list {
		pr, err := u.d.Notices.Progress(ctx, p, cp.ID)
		if err != nil {
			return fmt.Errorf("campaign progress: %w", err)
		}
		sec.Rows = append(sec.Rows, campaignRow{Campaign: cp, Progress: newProgressLine(pr)})
	}
	v.Notices = sec
	return nil
}

// addDutyCampaigns puts beside each duty to individuals the campaigns that
// answer it, with their progress.
func (u *pages) addDutyCampaigns(ctx context.Context, p *auth.Principal, rows []deadlineRow) error {
	var ids []int64
	for _, r := range rows {
		if toIndividuals(r.Obligation) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	byDuty, err := u.d.Notices.CampaignsForObligation(ctx, p, ids)
	if err != nil {
		return fmt.Errorf("campaigns of duties: %w", err)
	}
	for i := range rows {
		for _, cp := range byDuty[rows[i].ID] {
			pr, err := u.d.Notices.Progress(ctx, p, cp.ID)
			if err != nil {
				return fmt.Errorf("campaign progress: %w", err)
			}
			rows[i].Campaigns = append(rows[i].Campaigns, campaignRow{Campaign: cp, Progress: newProgressLine(pr)})
		}
	}
	return nil
}
