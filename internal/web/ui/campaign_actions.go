package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// stepFn makes one state change of a campaign from a posted form and
// returns the message key that confirms it (notices.done.<key>).
type stepFn func(ctx context.Context, s NoticeService, c breach.Call, id int64, form func(string) string) (string, error)

// formRefusal is a form the page refuses before asking the service (a
// confirmation box left unticked); Key is the message that says why.
type formRefusal struct{ Key string }

func (f formRefusal) Error() string { return "form refused: " + f.Key }

func stepSend(ctx context.Context, s NoticeService, c breach.Call, id int64, _ func(string) string) (string, error) {
	_, err := s.Send(ctx, c, id)
	return "sent", err
}

func stepPause(ctx context.Context, s NoticeService, c breach.Call, id int64, form func(string) string) (string, error) {
	_, err := s.Pause(ctx, c, id, form("reason"))
	return "paused", err
}

func stepResume(ctx context.Context, s NoticeService, c breach.Call, id int64, _ func(string) string) (string, error) {
	_, err := s.Resume(ctx, c, id)
	return "resumed", err
}

// stepCancel cancels only when the form's confirmation box is ticked.
func stepCancel(ctx context.Context, s NoticeService, c breach.Call, id int64, form func(string) string) (string, error) {
	if form("confirm") != "yes" {
		return "", formRefusal{Key: "notices.actions.cancel_unconfirmed"}
	}
	_, err := s.Cancel(ctx, c, id)
	return "cancelled", err
}

func stepRetry(ctx context.Context, s NoticeService, c breach.Call, id int64, _ func(string) string) (string, error) {
	n, err := s.RetryFailed(ctx, c, id)
	if n == 0 {
		return "retried_none", err
	}
	return "retried", err
}

func stepLetters(ctx context.Context, s NoticeService, c breach.Call, id int64, _ func(string) string) (string, error) {
	_, err := s.RequestLetters(ctx, c, id)
	return "letters", err
}

func stepObligationDone(ctx context.Context, s NoticeService, c breach.Call, id int64, _ func(string) string) (string, error) {
	_, err := s.MarkObligationDone(ctx, c, id)
	return "obligation_done", err
}

// campaignStep answers a campaign action's form: the change, then the
// campaign's page saying it was done, or saying why not.
func (u *pages) campaignStep(fn stepFn) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := u.formParam(c, "id")
		if !ok {
			return
		}
		done, err := fn(c.Request.Context(), u.d.Notices, web.Call(c), id, c.PostForm)
		if err != nil {
			u.actionFailed(c, id, err)
			return
		}
		c.Redirect(http.StatusSeeOther, campaignPath(id, done)+"#actions")
	}
}

// actionFailed shows a refused action on the campaign's page, or the error
// page for what the page cannot help with (no permission, no campaign).
func (u *pages) actionFailed(c *gin.Context, id int64, err error) {
	var fr formRefusal
	if errors.As(err, &fr) {
		u.showCampaign(c, id, http.StatusBadRequest, func(v *campaignView) { v.Problem = &pageProblem{Text: u.locale(c).T(fr.Key)} })
		return
	}
	if !shownOnPage(err) {
		u.fail(c, err)
		return
	}
	u.showCampaign(c, id, web.Classify(err).Status, func(v *campaignView) { v.Problem = newPageProblem(u.locale(c), err) })
}

// approveCampaign approves the version the approver reviewed: the form
// carries its content hash. When the campaign changed since, nothing is
// approved and the page says so, showing the current version to review.
func (u *pages) approveCampaign(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	var err error
	hash := c.PostForm("content_hash")
	ctx := c.Request.Context()
	_, err = u.d.Notices.Approve(ctx, web.Call(c), id, hash)
	var conflict *errs.Conflict
	if errors.As(err, &conflict) {
		if cp, cerr := u.d.Notices.Campaign(ctx, web.Principal(c), id); cerr == nil && cp.Status == notice.CampaignDraft && cp.ContentHash != hash {
			u.showCampaign(c, id, http.StatusConflict, func(v *campaignView) {
				v.ApprovalChanged = true
				v.Problem = &pageProblem{Text: u.locale(c).T("notices.approve.changed")}
			})
			return
		}
	}
	if err != nil {
		u.actionFailed(c, id, err)
		return
	}
	c.Redirect(http.StatusSeeOther, campaignPath(id, "approved")+"#actions")
}

// updateCampaign saves the campaign's name, duty and texts. Texts left
// empty are dropped (the breach's record fills them in the default
// language); an edit that changes the notice voids its approval, and the
// page says so.
func (u *pages) updateCampaign(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	ctx, call := c.Request.Context(), web.Call(c)
	cur, err := u.d.Notices.Campaign(ctx, call.P, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	in := campaignEdit(cur, c.Request.PostForm)
	cp, err := u.d.Notices.UpdateCampaign(ctx, call, id, in)
	if err != nil {
		u.actionFailed(c, id, err)
		return
	}
	done := "saved"
	if cur.Status == notice.CampaignApproved && cp.Status == notice.CampaignDraft {
		done = "voided"
	}
	c.Redirect(http.StatusSeeOther, campaignPath(id, done))
}

// campaignEdit reads the edit form over the campaign's current texts: a
// language or field the form does not carry keeps its text.
func campaignEdit(cur notice.Campaign, form map[string][]string) notice.CampaignInput {
	get := func(k string) (string, bool) {
		v, ok := form[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	content := notice.Content{}
	for lang, fields := range cur.Content {
		content[lang] = map[string]string{}
		for k, v := range fields {
			content[lang][k] = v
		}
	}
	for _, lang := range notice.Languages {
		for _, f := range notice.ContentFields {
			v, ok := get("content." + lang + "." + f)
			if !ok {
				continue
			}
			if content[lang] == nil {
				content[lang] = map[string]string{}
			}
			// Browsers send CRLF line ends; the notice keeps LF.
			v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
			if v == "" {
				delete(content[lang], f)
			} else {
				content[lang][f] = v
			}
		}
		if len(content[lang]) == 0 {
			delete(content, lang)
		}
	}
	in := notice.CampaignInput{Content: &content}
	if name, ok := get("name"); ok {
		name = strings.TrimSpace(name)
		in.Name = &name
	}
	if raw, ok := get("obligation_id"); ok {
		ob, _ := strconv.ParseInt(raw, 10, 64)
		in.ObligationID = &ob
	}
	return in
}

// samplePreviewPolicy lets a sample notice's HTML show inside the
// campaign page's frame with its inline styles, and nothing else: no
// script, no form, no request anywhere (a sandbox with no permissions).
const samplePreviewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// samplePreview serves a sample person's HTML notice for the campaign
// page's sandboxed frame.
func (u *pages) samplePreview(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	person, err := web.ParamID(c, "person")
	if err != nil {
		u.fail(c, err)
		return
	}
	msg, err := u.d.Notices.Preview(c.Request.Context(), web.Call(c), id, person)
	if err != nil {
		u.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", samplePreviewPolicy)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(msg.HTML))
}

// markLetterFile records a print file printed or mailed on the date the
// form gives (today when empty), read in the organization's zone.
func (u *pages) markLetterFile(c *gin.Context) {
	id, ok := u.formParam(c, "id")
	if !ok {
		return
	}
	file, err := web.ParamID(c, "file")
	if err != nil {
		u.fail(c, err)
		return
	}
	step := c.Param("step")
	if step != notice.StepPrinted && step != notice.StepMailed {
		u.fail(c, errs.ErrNotFound)
		return
	}
	ctx, call := c.Request.Context(), web.Call(c)
	cp, err := u.d.Notices.Campaign(ctx, call.P, id)
	if err != nil {
		u.fail(c, err)
		return
	}
	var at time.Time
	if raw := strings.TrimSpace(c.PostForm("at")); raw != "" {
		org, err := u.organization(ctx, call.P, cp.OrganizationID)
		if err != nil {
			u.fail(c, err)
			return
		}
		loc, _ := zoneOf(org.TimeZone)
		if at, err = time.ParseInLocation(time.DateOnly, raw, loc); err != nil {
			u.actionFailed(c, id, formRefusal{Key: "notices.letters.bad_date"})
			return
		}
	}
	if _, err := u.d.Notices.MarkLetterFile(ctx, call, id, file, step, at); err != nil {
		u.actionFailed(c, id, err)
		return
	}
	c.Redirect(http.StatusSeeOther, campaignPath(id, step)+"#letters")
}

// importReturned reads the returned-mail form: its token first, then the
// mail house's CSV, streamed to the service; the campaign's page shows
// what it changed.
func (u *pages) importReturned(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		u.fail(c, err)
		return
	}
	file, err := u.returnedFile(c)
	if err != nil {
		u.actionFailed(c, id, err)
		return
	}
	res, err := u.d.Notices.ImportReturned(c.Request.Context(), web.Call(c), id, file)
	if err != nil {
		u.actionFailed(c, id, err)
		return
	}
	u.showCampaign(c, id, http.StatusOK, func(v *campaignView) {
		v.Returned = &res
		v.Flash = u.locale(c).T("notices.done.returned")
	})
}

// returnedFile reads the form's parts up to the file: the CSRF token must
// come first, so that nothing is read for a forged request.
func (u *pages) returnedFile(c *gin.Context) (io.Reader, error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, formRefusal{Key: "notices.letters.no_file"}
	}
	tokenOK := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, formRefusal{Key: "notices.letters.no_file"}
		}
		if err != nil {
			return nil, &errs.Invalid{Message: "the form could not be read"}
		}
		switch name := part.FormName(); {
		case name == web.FormTokenField:
			raw, _ := io.ReadAll(io.LimitReader(part, 256))
			tokenOK = web.CSRFMatches(string(raw), web.CSRF(c))
		case !tokenOK:
			return nil, errs.ErrForbidden
		case name == "file":
			return part, nil
		}
	}
}
