package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/web"
)

// NoticeService is what the notice routes need (notice.Service): template
// sets, campaigns, their review and approval, sending and the ledger.
type NoticeService interface {
	TemplateSets(ctx context.Context, p *auth.Principal, orgID int64) ([]notice.TemplateSet, error)
	CopyTemplateSet(ctx context.Context, c breach.Call, orgID int64, in notice.CopyInput) (notice.TemplateSet, error)
	UpdateTemplate(ctx context.Context, c breach.Call, orgID int64, key, lang string, p notice.Parts) (notice.TemplateSet, error)
	Campaigns(ctx context.Context, p *auth.Principal, breachID int64) ([]notice.Campaign, error)
	CreateCampaign(ctx context.Context, c breach.Call, breachID int64, in notice.CampaignInput) (notice.Campaign, error)
	Campaign(ctx context.Context, p *auth.Principal, id int64) (notice.Campaign, error)
	UpdateCampaign(ctx context.Context, c breach.Call, id int64, in notice.CampaignInput) (notice.Campaign, error)
	Review(ctx context.Context, c breach.Call, id int64) (notice.Review, error)
	PreviewEML(ctx context.Context, c breach.Call, id, personID int64) ([]byte, error)
	Approve(ctx context.Context, c breach.Call, id int64, hash string) (notice.Campaign, error)
	Send(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	Pause(ctx context.Context, c breach.Call, id int64, reason string) (notice.Campaign, error)
	Resume(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	Cancel(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)
	RetryFailed(ctx context.Context, c breach.Call, id int64) (int64, error)
	Progress(ctx context.Context, p *auth.Principal, id int64) (notice.Progress, error)
	Deliveries(ctx context.Context, c breach.Call, id int64, f notice.DeliveryFilter) ([]notice.DeliveryRow, error)
	Evidence(ctx context.Context, p *auth.Principal, id int64) (notice.Evidence, error)
	Substitute(ctx context.Context, p *auth.Principal, id int64) (notice.Substitute, error)
	ReceiveBounce(ctx context.Context, c breach.Call, raw io.Reader) (notice.BounceResult, error)
	Bounces(ctx context.Context, c breach.Call, campaignID int64, limit int) ([]notice.Bounce, error)
	MarkObligationDone(ctx context.Context, c breach.Call, id int64) (notice.Evidence, error)
	LettersOf(ctx context.Context, p *auth.Principal, id int64) (notice.Letters, error)
	RequestLetters(ctx context.Context, c breach.Call, id int64) (notice.Letters, error)
	LetterFile(ctx context.Context, c breach.Call, campaignID, batchID int64, manifest bool) (notice.LetterBatch, error)
	MarkLetterFile(ctx context.Context, c breach.Call, campaignID, batchID int64, step string, at time.Time) (notice.LetterBatch, error)
	ImportReturned(ctx context.Context, c breach.Call, campaignID int64, r io.Reader) (notice.ReturnedMail, error)
	DeliveriesCSV(ctx context.Context, c breach.Call, id int64, status string, w io.Writer) error
}

func (h *handlers) noticeRoutes(api *gin.RouterGroup) {
	api.GET("/notice-fields", h.noticeFields)
	api.GET("/organizations/:org/notice-templates", h.templateSets)
	api.POST("/organizations/:org/notice-templates", h.copyTemplateSet)
	api.PUT("/organizations/:org/notice-templates/:key/:lang", h.updateTemplate)
	api.GET("/breaches/:id/campaigns", h.listCampaigns)
	api.POST("/breaches/:id/campaigns", h.createCampaign)
	api.GET("/campaigns/:id", h.getCampaign)
	api.PATCH("/campaigns/:id", h.updateCampaign)
	api.GET("/campaigns/:id/review", h.reviewCampaign)
	api.GET("/campaigns/:id/preview/:person", h.previewEML)
	api.POST("/campaigns/:id/approve", h.approveCampaign)
	api.POST("/campaigns/:id/send", h.campaignAction(func(s NoticeService) campaignFn { return s.Send }))
	api.POST("/campaigns/:id/resume", h.campaignAction(func(s NoticeService) campaignFn { return s.Resume }))
	api.POST("/campaigns/:id/cancel", h.campaignAction(func(s NoticeService) campaignFn { return s.Cancel }))
	api.POST("/campaigns/:id/pause", h.pauseCampaign)
	api.POST("/campaigns/:id/retry-failed", h.retryFailed)
	api.GET("/campaigns/:id/progress", h.campaignProgress)
	api.GET("/campaigns/:id/deliveries", h.deliveries)
	api.GET("/campaigns/:id/evidence", h.evidence)
	api.POST("/campaigns/:id/obligation-done", h.obligationDone)
	api.GET("/campaigns/:id/substitute", h.substitute)
	api.GET("/campaigns/:id/bounces", h.campaignBounces)
	api.GET("/campaigns/:id/deliveries.csv", h.deliveriesCSV)
	api.GET("/campaigns/:id/letters", h.letters)
	api.POST("/campaigns/:id/letters", h.requestLetters)
	api.GET("/campaigns/:id/letters/:file/pdf", h.letterFile(false))
	api.GET("/campaigns/:id/letters/:file/manifest.csv", h.letterFile(true))
	api.POST("/campaigns/:id/letters/:file/printed", h.markLetters(notice.StepPrinted))
	api.POST("/campaigns/:id/letters/:file/mailed", h.markLetters(notice.StepMailed))
	api.POST("/campaigns/:id/returned", h.importReturned)
}

// receiveBounce takes a delivery status notification or automatic reply
// as the relay received it (the raw message is the body).
func (h *handlers) receiveBounce(c *gin.Context) {
	res, err := h.d.Notices.ReceiveBounce(c.Request.Context(), web.Call(c), c.Request.Body)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, res)
}

func (h *handlers) campaignBounces(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	limit, _ := strconv.Atoi(c.DefaultQuery("limit", "100"))
	list, err := h.d.Notices.Bounces(c.Request.Context(), web.Call(c), id, limit)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"bounces": list})
}

func (h *handlers) noticeFields(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"fields": notice.Fields, "content_fields": notice.ContentFields, "languages": notice.Languages})
}

func (h *handlers) templateSets(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	list, err := h.d.Notices.TemplateSets(c.Request.Context(), web.Principal(c), o.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"template_sets": list})
}

func (h *handlers) copyTemplateSet(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	var in notice.CopyInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	set, err := h.d.Notices.CopyTemplateSet(c.Request.Context(), web.Call(c), o.ID, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, set)
}

func (h *handlers) updateTemplate(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	var in notice.Parts
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	set, err := h.d.Notices.UpdateTemplate(c.Request.Context(), web.Call(c), o.ID, "org:"+c.Param("key"), c.Param("lang"), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, set)
}

func (h *handlers) listCampaigns(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	list, err := h.d.Notices.Campaigns(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"campaigns": list})
}

func (h *handlers) createCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in notice.CampaignInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cp, err := h.d.Notices.CreateCampaign(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cp)
}

func (h *handlers) getCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	cp, err := h.d.Notices.Campaign(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (h *handlers) updateCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in notice.CampaignInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cp, err := h.d.Notices.UpdateCampaign(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (h *handlers) reviewCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	rv, err := h.d.Notices.Review(c.Request.Context(), web.Call(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rv)
}

// previewEML downloads a sample person's notice as the .eml file sent.
func (h *handlers) previewEML(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	person, err := strconv.ParseInt(trimSuffix(c.Param("person"), ".eml"), 10, 64)
	if err != nil {
		web.Fail(c, errNotFound)
		return
	}
	raw, err := h.d.Notices.PreviewEML(c.Request.Context(), web.Call(c), id, person)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="campaign-`+strconv.FormatInt(id, 10)+`-person-`+strconv.FormatInt(person, 10)+`.eml"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "message/rfc822", raw)
}

type approveRequest struct {
	ContentHash string `json:"content_hash"`
}

func (h *handlers) approveCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in approveRequest
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cp, err := h.d.Notices.Approve(c.Request.Context(), web.Call(c), id, in.ContentHash)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

// campaignFn is a state change of a campaign.
type campaignFn func(ctx context.Context, c breach.Call, id int64) (notice.Campaign, error)

// campaignAction answers a state change that takes no body.
func (h *handlers) campaignAction(pick func(NoticeService) campaignFn) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := web.ParamID(c, "id")
		if err != nil {
			web.Fail(c, err)
			return
		}
		cp, err := pick(h.d.Notices)(c.Request.Context(), web.Call(c), id)
		if err != nil {
			web.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, cp)
	}
}

type pauseRequest struct {
	Reason string `json:"reason"`
}

func (h *handlers) pauseCampaign(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in pauseRequest
	if c.Request.ContentLength != 0 {
		if err := web.Decode(c, &in); err != nil {
			web.Fail(c, err)
			return
		}
	}
	cp, err := h.d.Notices.Pause(c.Request.Context(), web.Call(c), id, in.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cp)
}

func (h *handlers) retryFailed(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	n, err := h.d.Notices.RetryFailed(c.Request.Context(), web.Call(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"queued_again": n})
}

func (h *handlers) campaignProgress(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	pr, err := h.d.Notices.Progress(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, pr)
}

func (h *handlers) deliveries(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := notice.DeliveryFilter{Status: c.Query("status"), Query: c.Query("q")}
	f.After, _ = strconv.ParseInt(c.DefaultQuery("after", "0"), 10, 64)
	f.Limit, _ = strconv.Atoi(c.DefaultQuery("limit", "100"))
	list, err := h.d.Notices.Deliveries(c.Request.Context(), web.Call(c), id, f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := gin.H{"deliveries": list}
	if n := len(list); n > 0 && n == f.Limit {
		out["next_after"] = list[n-1].ID
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

func (h *handlers) evidence(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ev, err := h.d.Notices.Evidence(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

func (h *handlers) substitute(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	sub, err := h.d.Notices.Substitute(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sub)
}

func (h *handlers) obligationDone(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ev, err := h.d.Notices.MarkObligationDone(c.Request.Context(), web.Call(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

func (h *handlers) deliveriesCSV(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	w := &downloadWriter{c: c, name: "campaign-" + strconv.FormatInt(id, 10) + "-deliveries.csv", contentType: "text/csv; charset=utf-8"}
	err = h.d.Notices.DeliveriesCSV(c.Request.Context(), web.Call(c), id, c.Query("status"), w)
	switch {
	case err != nil && !w.started:
		web.Fail(c, err)
	case err != nil:
		// The file is cut short; the client sees a broken download.
		web.LogFailure(c, http.StatusInternalServerError, err)
		c.Abort()
	}
}

// downloadWriter streams a download, sending its headers with the first
// bytes, so that an error found before then is still answered as one.
type downloadWriter struct {
	c                 *gin.Context
	name, contentType string
	started           bool
}

func (w *downloadWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		h := w.c.Writer.Header()
		h.Set("Content-Type", w.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+w.name+`"`)
		h.Set("Cache-Control", "no-store")
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

func (h *handlers) letters(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	l, err := h.d.Notices.LettersOf(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, l)
}

func (h *handlers) requestLetters(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	l, err := h.d.Notices.RequestLetters(c.Request.Context(), web.Call(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, l)
}

// letterFile downloads a print file's PDF or its manifest.
func (h *handlers) letterFile(manifest bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := web.ParamID(c, "id")
		if err != nil {
			web.Fail(c, err)
			return
		}
		file, err := web.ParamID(c, "file")
		if err != nil {
			web.Fail(c, err)
			return
		}
		b, err := h.d.Notices.LetterFile(c.Request.Context(), web.Call(c), id, file, manifest)
		if err != nil {
			web.Fail(c, err)
			return
		}
		name := "campaign-" + strconv.FormatInt(id, 10) + "-letters-" + strconv.Itoa(b.Seq)
		c.Header("Cache-Control", "no-store")
		if manifest {
			c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Manifest)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		c.Data(http.StatusOK, "application/pdf", b.PDF)
	}
}

// markLetters records a print file printed or mailed, on a date given as
// {"at": RFC 3339} (now when absent).
func (h *handlers) markLetters(step string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := web.ParamID(c, "id")
		if err != nil {
			web.Fail(c, err)
			return
		}
		file, err := web.ParamID(c, "file")
		if err != nil {
			web.Fail(c, err)
			return
		}
		var in struct {
			At *time.Time `json:"at"`
		}
		if c.Request.ContentLength != 0 {
			if err := web.Decode(c, &in); err != nil {
				web.Fail(c, err)
				return
			}
		}
		var at time.Time
		if in.At != nil {
			at = *in.At
		}
		b, err := h.d.Notices.MarkLetterFile(c.Request.Context(), web.Call(c), id, file, step, at)
		if err != nil {
			web.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, b)
	}
}

// importReturned takes the mail house's returned-mail list (CSV body).
func (h *handlers) importReturned(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.d.Notices.ImportReturned(c.Request.Context(), web.Call(c), id, c.Request.Body)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
