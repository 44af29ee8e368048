// Package rosterweb is the JSON API of the roster: uploads that start a
// background import, import progress and rejects, counts, people and the
// audited export.
package rosterweb

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// Handlers serve the roster routes.
type Handlers struct {
	Svc *roster.Service
	// UploadDir receives uploaded files until a worker has imported them.
	UploadDir string
	// UploadLimit caps an upload's size in bytes.
	UploadLimit int64
}

// Register adds the routes to the authenticated API group.
func (h *Handlers) Register(api *gin.RouterGroup, _ *web.Server) {
	api.POST("/breaches/:id/imports", h.upload)
	api.GET("/imports/:id", h.getImport)
	api.GET("/imports/:id/rejects.csv", h.rejects)
	api.GET("/breaches/:id/roster/counts", h.counts)
	api.GET("/breaches/:id/roster/export.csv", h.export)
	api.GET("/breaches/:id/people", h.people)
	api.POST("/people/:id/review", h.review)
	api.POST("/imports/:id/review", h.reviewImport)
}

func (h *Handlers) getImport(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	imp, err := h.Svc.GetImport(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, imp)
}

func (h *Handlers) rejects(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	// Authorise before the first byte so that a refusal is still JSON.
	if _, err := h.Svc.GetImport(c.Request.Context(), web.Principal(c), id); err != nil {
		web.Fail(c, err)
		return
	}
	csvHeaders(c, "import-"+strconv.FormatInt(id, 10)+"-rejects.csv")
	if err := h.Svc.WriteRejects(c.Request.Context(), web.Principal(c), id, c.Writer); err != nil {
		c.Error(err)
	}
}

func (h *Handlers) counts(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	counts, err := h.Svc.Counts(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, counts)
}

func (h *Handlers) export(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ctx, p := c.Request.Context(), web.Principal(c)
	if _, err := h.Svc.Authorize(ctx, h.Svc.DB.Gorm, p, id, exportPermission); err != nil {
		web.Fail(c, err)
		return
	}
	csvHeaders(c, "breach-"+strconv.FormatInt(id, 10)+"-roster.csv")
	if _, err := h.Svc.Export(ctx, p, web.RequestID(c), id, c.Writer); err != nil {
		c.Error(err)
	}
}

func (h *Handlers) people(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	f := roster.PeopleFilter{Region: c.Query("region"), ReviewOnly: c.Query("review") == "1"}
	f.Limit, _ = strconv.Atoi(c.DefaultQuery("limit", "50"))
	f.Offset, _ = strconv.Atoi(c.DefaultQuery("offset", "0"))
	if f.Offset < 0 {
		f.Offset = 0
	}
	f.After, _ = strconv.ParseInt(c.DefaultQuery("after", "0"), 10, 64)
	people, total, err := h.Svc.People(c.Request.Context(), web.Principal(c), web.RequestID(c), id, f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := gin.H{"people": people, "total": total, "limit": f.Limit, "offset": f.Offset}
	if n := len(people); n > 0 && n == f.Limit {
		out["next_after"] = people[n-1].ID
	}
	c.JSON(http.StatusOK, out)
}

// review records a decision on a row flagged as a duplicate.
func (h *Handlers) review(c *gin.Context) { decide(c, h.Svc.ReviewPerson) }

// reviewImport records one decision for every row of an import that
// awaits review.
func (h *Handlers) reviewImport(c *gin.Context) { decide(c, h.Svc.ReviewImport) }

// decide reads a review decision about the record :id names, passes it to
// record and answers with what record returns.
func decide[T any](c *gin.Context, record func(context.Context, *auth.Principal, string, int64, roster.ReviewDecision) (T, error)) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in roster.ReviewDecision
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	res, err := record(c.Request.Context(), web.Principal(c), web.RequestID(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func csvHeaders(c *gin.Context, name string) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
}
