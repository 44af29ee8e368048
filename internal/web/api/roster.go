package api

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/web"
)

// RosterService is what the roster routes need (roster.Service): uploads
// that start a background import, import progress and rejects, counts,
// people, review decisions and the audited export.
type RosterService interface {
	CheckBreach(ctx context.Context, p *auth.Principal, breachID int64, perm auth.Permission) (roster.BreachRef, error)
	StartImport(ctx context.Context, p *auth.Principal, requestID string, breachID int64, up roster.Upload) (roster.Import, error)
	GetImport(ctx context.Context, p *auth.Principal, id int64) (roster.Import, error)
	ListImports(ctx context.Context, p *auth.Principal, breachID int64) ([]roster.Import, error)
	WriteRejects(ctx context.Context, p *auth.Principal, id int64, w io.Writer) error
	Counts(ctx context.Context, p *auth.Principal, breachID int64) (roster.Totals, error)
	Export(ctx context.Context, p *auth.Principal, requestID string, breachID int64, w io.Writer) (int64, error)
	People(ctx context.Context, p *auth.Principal, requestID string, breachID int64, f roster.PeopleFilter) ([]roster.StoredPerson, int64, error)
	ReviewPerson(ctx context.Context, p *auth.Principal, requestID string, personID int64, d roster.ReviewDecision) (roster.ReviewResult, error)
	ReviewImport(ctx context.Context, p *auth.Principal, requestID string, importID int64, d roster.ReviewDecision) (roster.BulkReviewResult, error)
	ReviewQueue(ctx context.Context, p *auth.Principal, requestID string, breachID int64, limit, offset int) (roster.ReviewPage, error)
}

func (h *handlers) rosterRoutes(api *gin.RouterGroup) {
	api.POST("/breaches/:id/imports", h.upload)
	api.GET("/imports/:id", h.getImport)
	api.GET("/imports/:id/rejects.csv", h.rejects)
	api.GET("/breaches/:id/roster/counts", h.counts)
	api.GET("/breaches/:id/roster/export.csv", h.export)
	api.GET("/breaches/:id/people", h.people)
	api.POST("/people/:id/review", h.review)
	api.POST("/imports/:id/review", h.reviewImport)
}

// upload streams a multipart roster file to the upload directory, hashing
// it on the way, then queues its import.
func (h *handlers) upload(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ctx, p := c.Request.Context(), web.Principal(c)
	if _, err := h.d.Roster.CheckBreach(ctx, p, id, auth.Write); err != nil {
		web.Fail(c, err)
		return
	}
	up, err := h.d.Uploads.Receive(c.Writer, c.Request, nil)
	if err != nil {
		web.Fail(c, err)
		return
	}
	imp, err := h.d.Roster.StartImport(ctx, p, web.RequestID(c), id, up)
	if err != nil {
		h.d.Uploads.Discard(ctx, up)
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, imp)
}

func (h *handlers) getImport(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	imp, err := h.d.Roster.GetImport(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, imp)
}

func (h *handlers) rejects(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	// Authorise before the first byte so that a refusal is still JSON.
	if _, err := h.d.Roster.GetImport(c.Request.Context(), web.Principal(c), id); err != nil {
		web.Fail(c, err)
		return
	}
	csvHeaders(c, "import-"+strconv.FormatInt(id, 10)+"-rejects.csv")
	if err := h.d.Roster.WriteRejects(c.Request.Context(), web.Principal(c), id, c.Writer); err != nil {
		c.Error(err)
	}
}

func (h *handlers) counts(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	counts, err := h.d.Roster.Counts(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, counts)
}

func (h *handlers) export(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	ctx, p := c.Request.Context(), web.Principal(c)
	if _, err := h.d.Roster.CheckBreach(ctx, p, id, auth.ExportPersonalData); err != nil {
		web.Fail(c, err)
		return
	}
	// The export is audited before its first row: until a byte is written,
	// a failure (the audit record could not be written) is still an error.
	out := &csvDownload{c: c, name: "breach-" + strconv.FormatInt(id, 10) + "-roster.csv"}
	if _, err := h.d.Roster.Export(ctx, p, web.RequestID(c), id, out); err != nil {
		if !out.started {
			web.Fail(c, err)
			return
		}
		c.Error(err)
	}
}

// csvDownload sends the CSV headers with its first byte.
type csvDownload struct {
	c       *gin.Context
	name    string
	started bool
}

func (d *csvDownload) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		csvHeaders(d.c, d.name)
	}
	return d.c.Writer.Write(p)
}

func (h *handlers) people(c *gin.Context) {
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
	people, total, err := h.d.Roster.People(c.Request.Context(), web.Principal(c), web.RequestID(c), id, f)
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
func (h *handlers) review(c *gin.Context) { decide(c, h.d.Roster.ReviewPerson) }

// reviewImport records one decision for every row of an import that
// awaits review.
func (h *handlers) reviewImport(c *gin.Context) { decide(c, h.d.Roster.ReviewImport) }

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
