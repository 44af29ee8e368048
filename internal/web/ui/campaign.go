package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// campaignData is a campaign's page.
type campaignData struct {
	layout
	Campaign *campaignView
}

// campaignView is everything a campaign's page shows: its state and
// approval, its texts (a form while it may be edited), the review legal
// approves from, live progress, letters and the evidence for its duty.
type campaignView struct {
	notice.Campaign
	BreachRef, BreachTitle string
	OrgSlug, SetName       string
	Rights                 rights
	Created, Approved      *instant
	Started, Completed     *instant
	ApprovedBy             string
	// Duty is the obligation the campaign answers; Duties are those it may.
	Duty   *dutyRow
	DutyID int64
	Duties []dutyOption
	// Editable: the user may edit the texts now (draft or approved).
	Editable bool
	Content  []contentLang
	Review   *reviewSection
	// ReviewProblem says why the notice cannot be rendered for review.
	ReviewProblem *pageProblem
	Progress      *progressView
	Letters       *lettersView
	Evidence      *evidenceView
	Substitute    *substituteView
	Actions       campaignActions
	// Flash confirms what was just done; Problem is a refused action.
	Flash   string
	Problem *pageProblem
	// ApprovalChanged: an approval was refused because the campaign
	// changed after the approver reviewed it.
	ApprovalChanged bool
	Returned        *notice.ReturnedMail
	// Lookups counts the checks of the campaign's codes on /verify.
	Lookups *notice.LookupCounts
}

// campaignActions are the state changes the user may make now.
type campaignActions struct {
	Approve, Send, Pause, Resume, Cancel, Retry bool
}

// contentLang is the campaign's texts in one language.
type contentLang struct {
	Lang   string
	Fields []contentField
}

// contentField is one text of the campaign, with its label and help.
type contentField struct {
	ID, Name, Label, Help, Value string
}

// campaignPage shows a campaign.
func (u *pages) campaignPage(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	u.showCampaign(c, id, http.StatusOK, nil)
}

// showCampaign renders a campaign's page with status; edit adds what an
// action has to say (a refusal, a result).
func (u *pages) showCampaign(c *gin.Context, id int64, status int, edit func(*campaignView)) {
	ctx, p, l := c.Request.Context(), web.Principal(c), u.locale(c)
	cp, err := u.d.Notices.Campaign(ctx, p, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	b, err := u.d.Breaches.Get(ctx, p, cp.BreachID)
	if err != nil {
		u.fail(c, err)
		return
	}
	v, err := u.campaignView(ctx, l, web.Call(c), cp, b)
	if err != nil {
		u.fail(c, err)
		return
	}
	if done := c.Query("done"); done != "" && l.Has("notices.done."+done) {
		v.Flash = l.T("notices.done." + done)
	}
	if edit != nil {
		edit(v)
	}
	title := l.T("notices.campaign.title", "Name", cp.Name, "Ref", b.Reference)
	u.render(c, status, "campaign", campaignData{layout: u.signedIn(c, title, "breaches"), Campaign: v})
}

// campaignView gathers the sections of the campaign page.
func (u *pages) campaignView(ctx context.Context, l *i18n.Locale, call breach.Call, cp notice.Campaign, b breach.Breach) (*campaignView, error) {
	p := call.P
	org, err := u.organization(ctx, p, cp.OrganizationID)
	if err != nil {
		return nil, err
	}
	loc, zone := zoneOf(org.TimeZone)
	at := func(t *time.Time) *instant {
		if t == nil {
			return nil
		}
		return newInstant(*t, loc, zone)
	}
	v := &campaignView{Campaign: cp, BreachRef: b.Reference, BreachTitle: b.Title, OrgSlug: org.Slug,
		Rights: rightsIn(p, cp.OrganizationID), Created: at(&cp.CreatedAt), Approved: at(cp.ApprovedAt),
		Started: at(cp.StartedAt), Completed: at(cp.CompletedAt)}
	v.Editable = v.Rights.Write && beforeSending(cp.Status)
	if cp.ApprovedAt != nil {
		v.ApprovedBy = u.memberName(ctx, cp.OrganizationID, cp.ApprovedBy)
	}
	langs, err := u.campaignSet(ctx, l, p, v)
	if err != nil {
		return nil, err
	}
	v.Content = contentForm(l, cp, langs)
	if err := u.campaignDuty(ctx, l, p, v); err != nil {
		return nil, err
	}
	if (v.Rights.Write || v.Rights.Approve) && beforeSending(cp.Status) {
		rv, err := u.d.Notices.Review(ctx, call, cp.ID)
		switch {
		case err == nil:
			v.Review = newReviewSection(cp.ID, rv)
		case shownOnPage(err):
			v.ReviewProblem = newPageProblem(l, err)
		default:
			return nil, err
		}
	}
	pr, err := u.d.Notices.Progress(ctx, p, cp.ID)
	if err != nil {
		return nil, err
	}
	v.Progress = newProgressView(l, pr)
	lookups, err := u.d.Notices.LookupCounts(ctx, p, cp.ID)
	if err != nil {
		return nil, err
	}
	v.Lookups = &lookups
	if err := u.campaignLetters(ctx, p, v, loc, zone); err != nil {
		return nil, err
	}
	if err := u.campaignEvidence(ctx, p, v, loc, zone); err != nil {
		return nil, err
	}
	if err := u.campaignSubstitute(ctx, p, v); err != nil {
		return nil, err
	}
	v.Actions = actionsFor(v)
	return v, nil
}

// beforeSending reports whether a campaign has not started sending: it may
// still be edited, reviewed and approved.
func beforeSending(status string) bool {
	return status == notice.CampaignDraft || status == notice.CampaignApproved
}

// actionsFor decides which state changes to offer.
func actionsFor(v *campaignView) campaignActions {
	w, st := v.Rights.Write, v.Status
	failed := v.Progress.Count(notice.Failed) + v.Progress.Count(notice.Bounced)
	return campaignActions{
		Approve: v.Rights.Approve && st == notice.CampaignDraft && v.Review != nil && v.Review.Ready,
		Send:    w && st == notice.CampaignApproved && v.Campaign.Approved(),
		Pause:   w && (st == notice.CampaignSending || st == notice.CampaignPreparing),
		Resume:  w && st == notice.CampaignPaused,
		Cancel:  w && st != notice.CampaignCancelled && st != notice.CampaignCompleted,
		Retry: w && failed > 0 && (st == notice.CampaignSending || st == notice.CampaignPaused ||
			st == notice.CampaignCompleted),
	}
}

// campaignSet names the campaign's template set and returns the languages
// it is written in.
func (u *pages) campaignSet(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *campaignView) ([]string, error) {
	sets, err := u.d.Notices.TemplateSets(ctx, p, v.OrganizationID)
	if err != nil {
		return nil, err
	}
	v.SetName = v.TemplateSet
	for _, s := range sets {
		if s.Key == v.TemplateSet {
			v.SetName = setName(l, s)
			return s.Languages(), nil
		}
	}
	return notice.Languages, nil
}

// contentForm lays out the campaign's texts: the default language first,
// then the others the template set is written in.
func contentForm(l *i18n.Locale, cp notice.Campaign, langs []string) []contentLang {
	order := []string{cp.DefaultLanguage}
	for _, lang := range langs {
		if lang != cp.DefaultLanguage {
			order = append(order, lang)
		}
	}
	out := make([]contentLang, 0, len(order))
	for _, lang := range order {
		cl := contentLang{Lang: lang}
		for _, f := range notice.ContentFields {
			cl.Fields = append(cl.Fields, contentField{ID: "content-" + lang + "-" + f, Name: "content." + lang + "." + f,
				Label: l.T("notices.field." + f), Help: l.T("notices.field_help." + f), Value: cp.Content[lang][f]})
		}
		out = append(out, cl)
	}
	return out
}

// campaignDuty finds the obligation the campaign answers and those it may.
func (u *pages) campaignDuty(ctx context.Context, l *i18n.Locale, p *auth.Principal, v *campaignView) error {
	list, err := u.obligations(ctx, l, p, v.BreachID)
	if err != nil {
		return err
	}
	for _, o := range list.Obligations {
		if v.ObligationID != nil && o.ID == *v.ObligationID {
			row := newDutyRow(o)
			v.Duty, v.DutyID = &row, o.ID
		}
		if toIndividuals(o) && o.Considered && (o.Required == nil || *o.Required) {
			v.Duties = append(v.Duties, dutyOption{ID: o.ID, Label: dutyLabel(l, o), Rule: o.RuleID})
		}
	}
	return nil
}

// reviewSection is what legal approves from: the checklist of every rule
// in play, the fields some people lack, the audience and samples.
type reviewSection struct {
	Hash                         string
	Total                        int64
	Ready                        bool
	Rules                        []ruleChecks
	Failing                      int
	Gaps                         []notice.Gap
	Channels, Languages, Regions []tally
	Samples                      []sampleView
}

// ruleChecks is the checklist of one rule.
type ruleChecks struct {
	Rule, Citation string
	Items          []notice.CheckItem
	Failing        int
}

// sampleView is one sample notice with where to see it whole.
type sampleView struct {
	notice.Sample
	Anchor, PreviewURL, EMLURL string
	Postal                     bool
}

func newReviewSection(id int64, rv notice.Review) *reviewSection {
	s := &reviewSection{Hash: rv.ContentHash, Total: rv.Total, Ready: rv.Ready, Gaps: rv.Gaps,
		Channels: tallies(rv.Channels), Languages: tallies(rv.Languages), Regions: tallies(rv.Regions)}
	byRule := map[string]int{}
	for _, ci := range rv.Checklist {
		i, ok := byRule[ci.Rule]
		if !ok {
			i = len(s.Rules)
			byRule[ci.Rule] = i
			s.Rules = append(s.Rules, ruleChecks{Rule: ci.Rule, Citation: ci.Citation})
		}
		s.Rules[i].Items = append(s.Rules[i].Items, ci)
		if !ci.OK {
			s.Rules[i].Failing++
			s.Failing++
		}
	}
	base := "/campaigns/" + strconv.FormatInt(id, 10)
	for i, sm := range rv.Samples {
		person := strconv.FormatInt(sm.PersonID, 10)
		s.Samples = append(s.Samples, sampleView{Sample: sm, Anchor: "sample-" + strconv.Itoa(i+1),
			PreviewURL: base + "/samples/" + person, EMLURL: "/api/v1" + base + "/preview/" + person + ".eml",
			Postal: sm.Channel != notice.ChannelEmail})
	}
	return s
}

// progressView is a campaign's deliveries by state, as the page shows it
// and the progress script updates it.
type progressView struct {
	notice.Progress
	Percent   int
	Rows      []statusCount
	Rate, ETA string
	// Live: the counts are still moving; the script fetches them.
	Live bool
	// Labels are the campaign statuses in the page's language, as JSON for
	// the script.
	Labels string
}

// statusCount is the number of deliveries in one state.
type statusCount struct {
	Status string
	N      int64
}

// Count is the number of deliveries in a state.
func (p *progressView) Count(status string) int64 { return p.ByStatus[status] }

func newProgressView(l *i18n.Locale, pr notice.Progress) *progressView {
	v := &progressView{Progress: pr, Percent: newProgressLine(pr).Percent, Rate: decimal(l, pr.Rate)}
	for _, st := range notice.Statuses {
		v.Rows = append(v.Rows, statusCount{Status: st, N: pr.ByStatus[st]})
	}
	v.ETA = l.T("notices.progress.eta_unknown")
	if pr.ETA != nil {
		v.ETA = etaText(*pr.ETA)
	}
	switch pr.Status {
	case notice.CampaignPreparing, notice.CampaignSending, notice.CampaignPaused:
		v.Live = true
	}
	labels := map[string]string{}
	for _, st := range campaignStatuses {
		labels[st] = l.Term("campaign_status", st)
	}
	raw, _ := json.Marshal(labels)
	v.Labels = string(raw)
	return v
}

// campaignStatuses are every status a campaign can have.
var campaignStatuses = []string{notice.CampaignDraft, notice.CampaignApproved, notice.CampaignPreparing,
	notice.CampaignSending, notice.CampaignPaused, notice.CampaignCancelled, notice.CampaignCompleted}
