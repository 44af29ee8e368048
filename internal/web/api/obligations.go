package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// ObligationService is what the obligation routes need (obligation.Service):
// assessments of facts, per-breach obligations and their history and
// status, deadlines across the caller's organizations, questions and
// calendars.
type ObligationService interface {
	Assess(ctx context.Context, p *auth.Principal, orgRef string, facts rules.Facts, now time.Time) (rules.Result, error)
	Terms() obligation.Terms
	List(ctx context.Context, p *auth.Principal, breachID int64) (obligation.BreachObligations, error)
	History(ctx context.Context, p *auth.Principal, breachID, id int64) ([]obligation.History, error)
	SetStatus(ctx context.Context, c breach.Call, breachID, id int64, in obligation.StatusInput) (obligation.Obligation, error)
	Deadlines(ctx context.Context, p *auth.Principal) ([]obligation.Deadline, error)
	Questions() []rules.Question
	ContentQuestions() []rules.Question
	CalendarList(ctx context.Context, year int) ([]obligation.CalendarInfo, error)
	AddClosure(ctx context.Context, c breach.Call, calendarID string, in obligation.ClosureInput) (obligation.Closure, obligation.Summary, error)
}

func (h *handlers) obligationRoutes(api *gin.RouterGroup) {
	api.POST("/assessments", h.assess)
	api.GET("/breaches/:id/obligations", h.listObligations)
	api.GET("/breaches/:id/obligations/:oid/history", h.history)
	api.POST("/breaches/:id/obligations/:oid/status", h.setStatus)
	api.GET("/deadlines", h.deadlines)
	api.GET("/questions", h.questions)
	api.GET("/calendars", h.calendars)
	api.POST("/calendars/:id/closures", h.addClosure)
}

// assess evaluates facts that are not stored; any authenticated user may.
// Duties with no fixed date are tracked against the facts' internal target,
// else that of the organization named by ?organization= (or the caller's
// only one), else 72 hours.
func (h *handlers) assess(c *gin.Context) {
	now := time.Now()
	if v := c.Query("now"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			web.Fail(c, &errs.Invalid{Message: "bad query", Fields: map[string]string{"now": "an RFC 3339 time"}})
			return
		}
		now = t
	}
	var f rules.Facts
	if err := web.Decode(c, &f); err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.d.Obligations.Terms().CheckFacts(&f); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.d.Obligations.Assess(c.Request.Context(), web.Principal(c), c.Query("organization"), f, now)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *handlers) listObligations(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.d.Obligations.List(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func obligationIDs(c *gin.Context) (int64, int64, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	oid, err := web.ParamID(c, "oid")
	return id, oid, err
}

func (h *handlers) history(c *gin.Context) {
	id, oid, err := obligationIDs(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.d.Obligations.History(c.Request.Context(), web.Principal(c), id, oid)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"history": out})
}

func (h *handlers) setStatus(c *gin.Context) {
	id, oid, err := obligationIDs(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in obligation.StatusInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	o, err := h.d.Obligations.SetStatus(c.Request.Context(), web.Call(c), id, oid, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (h *handlers) deadlines(c *gin.Context) {
	out, err := h.d.Obligations.Deadlines(c.Request.Context(), web.Principal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deadlines": out})
}

func (h *handlers) questions(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"questions": h.d.Obligations.Questions(), "content_questions": h.d.Obligations.ContentQuestions()})
}

func (h *handlers) calendars(c *gin.Context) {
	year := 0
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1900 || y > 2200 {
			web.Fail(c, &errs.Invalid{Message: "bad query", Fields: map[string]string{"year": "a year such as 2026"}})
			return
		}
		year = y
	}
	out, err := h.d.Obligations.CalendarList(c.Request.Context(), year)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"calendars": out})
}

func (h *handlers) addClosure(c *gin.Context) {
	var in obligation.ClosureInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cl, sum, err := h.d.Obligations.AddClosure(c.Request.Context(), web.Call(c), c.Param("id"), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"closure": cl, "reevaluated": sum})
}
