// Package api is the JSON API of obligations: assessments of facts,
// per-breach obligations and their history and status, deadlines across the
// caller's organizations, questions and calendars.
package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/obligation"
	"github.com/breachline/breachline/internal/rules"
	"github.com/breachline/breachline/internal/web"
)

// Handlers serves the obligation routes.
type Handlers struct {
	S *obligation.Service
}

// Register adds the routes to the authenticated /api/v1 group.
func (h *Handlers) Register(api *gin.RouterGroup, _ *web.Server) {
	api.POST("/assessments", h.assess)
	api.GET("/breaches/:id/obligations", h.list)
	api.GET("/breaches/:id/obligations/:oid/history", h.history)
	api.POST("/breaches/:id/obligations/:oid/status", h.setStatus)
	api.GET("/deadlines", h.deadlines)
	api.GET("/questions", h.questions)
	api.GET("/calendars", h.calendars)
	api.POST("/calendars/:id/closures", h.addClosure)
}

// assess evaluates facts that are not stored; any authenticated user may.
func (h *Handlers) assess(c *gin.Context) {
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
	if err := h.S.Terms().CheckFacts(&f); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := h.S.Assess(c.Request.Context(), f, now)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (h *Handlers) list(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.S.List(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func ids(c *gin.Context) (int64, int64, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	oid, err := web.ParamID(c, "oid")
	return id, oid, err
}

func (h *Handlers) history(c *gin.Context) {
	id, oid, err := ids(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out, err := h.S.History(c.Request.Context(), web.Principal(c), id, oid)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"history": out})
}

func (h *Handlers) setStatus(c *gin.Context) {
	id, oid, err := ids(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in obligation.StatusInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	o, err := h.S.SetStatus(c.Request.Context(), web.Call(c), id, oid, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (h *Handlers) deadlines(c *gin.Context) {
	out, err := h.S.Deadlines(c.Request.Context(), web.Principal(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deadlines": out})
}

func (h *Handlers) questions(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"questions": h.S.Questions(), "content_questions": h.S.ContentQuestions()})
}

func (h *Handlers) calendars(c *gin.Context) {
	year := 0
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1900 || y > 2200 {
			web.Fail(c, &errs.Invalid{Message: "bad query", Fields: map[string]string{"year": "a year such as 2026"}})
			return
		}
		year = y
	}
	out, err := h.S.CalendarList(c.Request.Context(), year)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"calendars": out})
}

func (h *Handlers) addClosure(c *gin.Context) {
	var in obligation.ClosureInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	cl, sum, err := h.S.AddClosure(c.Request.Context(), web.Call(c), c.Param("id"), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"closure": cl, "reevaluated": sum})
}
