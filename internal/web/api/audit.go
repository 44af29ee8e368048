package api

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/audit/trail"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// AuditService is what the audit trail routes need (trail.Service). It
// checks who may read: an organization's trail its administrators, a
// breach's its administrators and legal reviewers.
type AuditService interface {
	Organization(ctx context.Context, p *auth.Principal, requestID string, orgID int64, q trail.Query) (trail.Page, error)
	Breach(ctx context.Context, p *auth.Principal, requestID string, breachID int64, q trail.Query) (trail.Page, error)
	OrganizationCSV(ctx context.Context, p *auth.Principal, requestID string, orgID int64, open func() io.Writer) error
	BreachCSV(ctx context.Context, p *auth.Principal, requestID string, breachID int64, open func() io.Writer) error
	Verify(ctx context.Context, p *auth.Principal, orgID int64) (trail.Verification, error)
}

func (h *handlers) auditRoutes(api *gin.RouterGroup) {
	api.GET("/organizations/:org/audit", h.orgAudit)
	api.GET("/organizations/:org/audit.csv", h.orgAuditCSV)
	api.GET("/organizations/:org/audit/verification", h.orgAuditVerification)
	api.GET("/breaches/:id/audit", h.breachAudit)
	api.GET("/breaches/:id/audit.csv", h.breachAuditCSV)
}

// trailQuery reads ?before= and ?limit=.
func trailQuery(c *gin.Context) (trail.Query, error) {
	var q trail.Query
	f := errs.Fields{}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			f.Add("before", "a place in the chain (seq), from next_before")
		}
		q.Before = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			f.Add("limit", "1 to 1000")
		}
		q.Limit = n
	}
	return q, f.Err()
}

func (h *handlers) orgAudit(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	q, err := trailQuery(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page, err := h.d.Audit.Organization(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, q)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (h *handlers) breachAudit(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	q, err := trailQuery(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page, err := h.d.Audit.Breach(c.Request.Context(), web.Principal(c), web.RequestID(c), id, q)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (h *handlers) orgAuditCSV(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	err := h.d.Audit.OrganizationCSV(c.Request.Context(), web.Principal(c), web.RequestID(c), o.ID, func() io.Writer {
		csvHeaders(c, o.Slug+"-audit.csv")
		return c.Writer
	})
	csvDone(c, err)
}

func (h *handlers) breachAuditCSV(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	err = h.d.Audit.BreachCSV(c.Request.Context(), web.Principal(c), web.RequestID(c), id, func() io.Writer {
		csvHeaders(c, "breach-"+strconv.FormatInt(id, 10)+"-audit.csv")
		return c.Writer
	})
	csvDone(c, err)
}

// csvDone answers an error that came before the first byte; one after it
// can only be logged.
func csvDone(c *gin.Context, err error) {
	switch {
	case err == nil:
	case !c.Writer.Written():
		web.Fail(c, err)
	default:
		c.Error(err)
	}
}

func (h *handlers) orgAuditVerification(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	v, err := h.d.Audit.Verify(c.Request.Context(), web.Principal(c), o.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
