package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// BreachService is what the breach routes need (breach.Service).
type BreachService interface {
	Create(ctx context.Context, c breach.Call, orgID int64, in breach.Input) (breach.Breach, error)
	List(ctx context.Context, p *auth.Principal, f breach.ListFilter) ([]breach.Breach, int64, error)
	Get(ctx context.Context, p *auth.Principal, id int64) (breach.Breach, error)
	Update(ctx context.Context, c breach.Call, id int64, in breach.Input) (breach.Breach, error)
	AddEvent(ctx context.Context, c breach.Call, id int64, in breach.EventInput) (breach.Event, error)
	DeleteEvent(ctx context.Context, c breach.Call, id, eventID int64) error
	SetAnswer(ctx context.Context, c breach.Call, id int64, question string, in breach.AnswerInput) (breach.Answer, error)
	Categories(ctx context.Context) ([]breach.Category, error)
}

func (h *handlers) breachRoutes(api *gin.RouterGroup) {
	api.GET("/data-categories", h.listCategories)
	api.GET("/breaches", h.listBreaches)
	api.POST("/breaches", h.createBreach)
	api.GET("/breaches/:id", h.getBreach)
	api.PATCH("/breaches/:id", h.updateBreach)
	api.POST("/breaches/:id/events", h.addEvent)
	api.DELETE("/breaches/:id/events/:event", h.deleteEvent)
	api.PUT("/breaches/:id/answers/:question", h.setAnswer)
}

func (h *handlers) listCategories(c *gin.Context) {
	cats, err := h.d.Breaches.Categories(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data_categories": cats})
}

// createBreachRequest names the organization by id or slug.
type createBreachRequest struct {
	Organization string `json:"organization"`
	breach.Input
}

func (h *handlers) createBreach(c *gin.Context) {
	var in createBreachRequest
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	if in.Organization == "" {
		web.Fail(c, &errs.Invalid{Message: "the request has invalid fields", Fields: map[string]string{"organization": "required"}})
		return
	}
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), in.Organization)
	if err != nil {
		web.Fail(c, err)
		return
	}
	b, err := h.d.Breaches.Create(c.Request.Context(), web.Call(c), o.ID, in.Input)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, present(b))
}

func (h *handlers) listBreaches(c *gin.Context) {
	f := breach.ListFilter{Status: c.Query("status"), Query: c.Query("q")}
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	if ref := c.Query("organization"); ref != "" {
		o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), ref)
		if err != nil {
			web.Fail(c, err)
			return
		}
		f.OrganizationID = o.ID
	}
	list, total, err := h.d.Breaches.List(c.Request.Context(), web.Principal(c), f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	for i := range list {
		list[i] = present(list[i])
	}
	c.JSON(http.StatusOK, gin.H{"breaches": list, "total": total})
}

// present gives every list of a breach as an array, empty rather than null,
// as the API document describes it.
func present(b breach.Breach) breach.Breach {
	b.Nature = nonNil(b.Nature)
	b.Kinds = nonNil(b.Kinds)
	b.DataCategories = nonNil(b.DataCategories)
	b.Events = nonNil(b.Events)
	b.Answers = nonNil(b.Answers)
	return b
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *handlers) getBreach(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	b, err := h.d.Breaches.Get(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, present(b))
}

func (h *handlers) updateBreach(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in breach.Input
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	b, err := h.d.Breaches.Update(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, present(b))
}

func (h *handlers) addEvent(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in breach.EventInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	e, err := h.d.Breaches.AddEvent(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}

func (h *handlers) deleteEvent(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	eid, err := web.ParamID(c, "event")
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.d.Breaches.DeleteEvent(c.Request.Context(), web.Call(c), id, eid); err != nil {
		web.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *handlers) setAnswer(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in breach.AnswerInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.d.Breaches.SetAnswer(c.Request.Context(), web.Call(c), id, c.Param("question"), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
