package ui

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// NoticeService is what the notice pages need (notice.Service): template
// sets, campaigns, their review, approval and sending, the ledger, letters
// and the evidence for an obligation. It checks every permission itself.
type NoticeService interface {
	TemplateSets(ctx context.Context, p *auth.Principal, orgID int64) ([]notice.TemplateSet, error)
	CopyTemplateSet(ctx context.Context, c breach.Call, orgID int64, in notice.CopyInput) (notice.TemplateSet, error)
	UpdateTemplate(ctx context.Context, c breach.Call, orgID int64, key, lang string, p notice.Parts) (notice.TemplateSet, error)
	Campaigns(ctx context.Context, p *auth.Principal, breachID int64) ([]notice.Campaign, error)
	AudienceSize(ctx context.Context, p *auth.Principal, breachID int64, a notice.Audience) (roster.AudienceSize, error)
	CreateCampaign(ctx context.Context, c breach.Call, breachID int64, in notice.CampaignInput) (notice.Campaign, error)
	Campaign(ctx context.Context, p *auth.Principal, id int64) (notice.Campaign, error)
	UpdateCampaign(ctx context.Context, c breach.Call, id int64, in notice.CampaignInput) (notice.Campaign, error)
	Review(ctx context.Context, c breach.Call, id int64) (notice.Review, error)
	Preview(ctx context.Context, c breach.Call, id, personID int64) (notice.Message, error)
	Approve(ctx context.Context, c breach.Call, id int64, hash string) (notice.Campaign, error)
	Send(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	Pause(ctx context.Context, c breach.Call, id int64, reason string) (notice.Campaign, error)
	Resume(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	Cancel(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	RetryFailed(ctx context.Context, c breach.Call, id int64) (int64, error)
	Progress(ctx context.Context, p *auth.Principal, id int64) (notice.Progress, error)
	Deliveries(ctx context.Context, c breach.Call, id int64, f notice.DeliveryFilter) ([]notice.DeliveryRow, error)
	Evidence(ctx context.Context, p *auth.Principal, id int64) (notice.Evidence, error)
	MarkObligationDone(ctx context.Context, c breach.Call, id int64) (notice.Evidence, error)
	Substitute(ctx context.Context, p *auth.Principal, id int64) (notice.Substitute, error)
	LettersOf(ctx context.Context, p *auth.Principal, id int64) (notice.Letters, error)
	RequestLetters(ctx context.Context, c breach.Call, id int64) (notice.Letters, error)
	MarkLetterFile(ctx context.Context, c breach.Call, campaignID, batchID int64, step string, at time.Time) (notice.LetterBatch, error)
	ImportReturned(ctx context.Context, c breach.Call, campaignID int64, r io.Reader) (notice.ReturnedMail, error)
	CampaignsForObligation(ctx context.Context, p *auth.Principal, obligationIDs []int64) (map[int64][]notice.Campaign, error)
	LookupCounts(ctx context.Context, p *auth.Principal, id int64) (notice.LookupCounts, error)
}

// noticePages are the page templates of notices.
var noticePages = []string{"campaigns", "campaign", "deliveries", "notice_templates", "notice_template"}

// noticeRoutes adds the notice pages and their forms. Forms that carry a
// notice's texts or a template are larger than other forms; the
// returned-mail file is an upload.
func (u *pages) noticeRoutes(r *gin.Engine, forms *gin.RouterGroup) {
	forms.GET("/breaches/:id/campaigns", u.requirePage, u.campaignsPage)
	forms.POST("/breaches/:id/campaigns", u.requirePage, u.createCampaign)
	forms.GET("/campaigns/:id", u.requirePage, u.campaignPage)
	forms.GET("/campaigns/:id/samples/:person", u.requirePage, u.samplePreview)
	forms.GET("/campaigns/:id/deliveries", u.requirePage, u.deliveriesPage)
	forms.POST("/campaigns/:id/approve", u.requirePage, u.approveCampaign)
	forms.POST("/campaigns/:id/send", u.requirePage, u.campaignStep(stepSend))
	forms.POST("/campaigns/:id/pause", u.requirePage, u.campaignStep(stepPause))
	forms.POST("/campaigns/:id/resume", u.requirePage, u.campaignStep(stepResume))
	forms.POST("/campaigns/:id/cancel", u.requirePage, u.campaignStep(stepCancel))
	forms.POST("/campaigns/:id/retry-failed", u.requirePage, u.campaignStep(stepRetry))
	forms.POST("/campaigns/:id/obligation-done", u.requirePage, u.campaignStep(stepObligationDone))
	forms.POST("/campaigns/:id/letters", u.requirePage, u.campaignStep(stepLetters))
	forms.POST("/campaigns/:id/letters/:file/:step", u.requirePage, u.markLetterFile)
	forms.GET("/notice-templates/:org", u.requirePage, u.templatesPage)
	forms.POST("/notice-templates/:org", u.requirePage, u.copyTemplateSet)
	forms.GET("/notice-templates/:org/:key/:lang", u.requirePage, u.templatePage)
	texts := r.Group("/", web.LimitBody(2<<20))
	texts.POST("/campaigns/:id", u.requirePage, u.updateCampaign)
	texts.POST("/notice-templates/:org/:key/:lang", u.requirePage, u.saveTemplate)
	r.POST("/campaigns/:id/returned", web.LimitBodies(64<<10, u.s.UploadLimit()), u.requirePage, u.importReturned)
}

// rights are what the signed-in user may do in an organization, to decide
// which controls a page shows (the services refuse the rest anyway).
type rights struct {
	// Write: create, edit and send campaigns, letters.
	Write bool
	// Approve: approve a campaign's wording (legal, admins).
	Approve bool
	// Export: see people's names and contact details (the ledger, letters).
	Export bool
}

func rightsIn(p *auth.Principal, orgID int64) rights {
	return rights{Write: p.Require(orgID, auth.Write) == nil, Approve: p.Require(orgID, auth.Approve) == nil,
		Export: p.Require(orgID, auth.ExportPersonalData) == nil}
}

// formChecked reports whether a page form carries the session's token; if
// not, it has shown the 403 page.
func (u *pages) formChecked(c *gin.Context) bool {
	if !web.CSRFMatches(c.PostForm("csrf_token"), web.CSRF(c)) {
		u.fail(c, errs.ErrForbidden)
		return false
	}
	return true
}

// pageProblem is a refused action shown on the page it came from: the
// problem as the page's language says it, and the service's own words
// (English) when they say more.
type pageProblem struct {
	Text string
	// Detail is the service's message, marked as English on other pages.
	Detail string
	Fields map[string]string
}

// shownOnPage reports whether an action's error is one the page shows
// beside its form (a refusal the user can act on) rather than an error
// page: invalid input, a conflict with the campaign's state, a limit.
func shownOnPage(err error) bool {
	switch web.Classify(err).Status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		return true
	}
	return false
}

// newPageProblem describes a refused action in l's language.
func newPageProblem(l *i18n.Locale, err error) *pageProblem {
	p := web.Classify(err)
	pp := &pageProblem{Text: problemText(l, p), Fields: p.Fields}
	if l.Lang() != i18n.Default {
		pp.Detail = p.Message
	}
	return pp
}

// campaignPath is a campaign's page, with a message key for what was just
// done (empty for none).
func campaignPath(id int64, done string) string {
	p := "/campaigns/" + strconv.FormatInt(id, 10)
	if done != "" {
		p += "?done=" + done
	}
	return p
}

// orgBySlug is one of the caller's organizations by its slug.
func (u *pages) orgBySlug(ctx context.Context, p *auth.Principal, slug string) (auth.Organization, error) {
	orgs, err := u.d.Auth.Organizations(ctx, p)
	if err != nil {
		return auth.Organization{}, err
	}
	for _, o := range orgs {
		if o.Slug == slug {
			return o, nil
		}
	}
	return auth.Organization{}, errs.ErrNotFound
}

// setName is a template set's name in l's language (else English, else its
// key).
func setName(l *i18n.Locale, s notice.TemplateSet) string {
	for _, lang := range []string{l.Lang(), i18n.Default} {
		if n := s.Name[lang]; n != "" {
			return n
		}
	}
	for _, n := range s.Name {
		if n != "" {
			return n
		}
	}
	return s.Key
}

// memberDirectory is the auth service's list of an organization's members,
// when it offers one: the campaign page names who approved.
type memberDirectory interface {
	Members(ctx context.Context, orgID int64) ([]auth.MemberView, error)
}

// memberName names a user of an organization by name and e-mail ("" when
// unknown).
func (u *pages) memberName(ctx context.Context, orgID int64, userID *int64) string {
	dir, ok := u.d.Auth.(memberDirectory)
	if !ok || userID == nil {
		return ""
	}
	list, err := dir.Members(ctx, orgID)
	if err != nil {
		return ""
	}
	for _, m := range list {
		if m.UserID == *userID {
			if m.Name != "" && m.Name != m.Email {
				return m.Name + " <" + m.Email + ">"
			}
			return m.Email
		}
	}
	return ""
}

// decimal writes a number with one decimal the language's way.
func decimal(l *i18n.Locale, f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if l.Lang() == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// etaText writes seconds left as the progress script does: "< 1 min",
// "12 min", "2 h 05 min" (the same in English and French).
func etaText(secs int64) string {
	m := (secs + 59) / 60
	switch {
	case secs < 60:
		return "< 1 min"
	case m < 60:
		return strconv.FormatInt(m, 10) + " min"
	}
	mm := strconv.FormatInt(m%60, 10)
	if len(mm) == 1 {
		mm = "0" + mm
	}
	return strconv.FormatInt(m/60, 10) + " h " + mm + " min"
}
