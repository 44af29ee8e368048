package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/web"
)

// filingInput records a filing.
type filingInput struct {
	FiledAt   string `json:"filed_at"`
	Reference string `json:"reference"`
}

func (h *handlers) file(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in filingInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(in.FiledAt))
	if err != nil {
		web.Fail(c, &errs.Invalid{Message: "the request has invalid fields",
			Fields: map[string]string{"filed_at": "an RFC 3339 time with offset, e.g. 2025-10-24T10:00:00-04:00"}})
		return
	}
	d, err := h.d.Documents.File(c.Request.Context(), web.Call(c), id, at, in.Reference)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, view(d))
}

// registerInput is a register period: RFC 3339 times or dates (midnight in
// the organization's zone); either may be empty for an open end.
type registerInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (h *handlers) register(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	var in registerInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	f := errs.Fields{}
	from := parseBound(in.From, o.Location(), "from", f)
	to := parseBound(in.To, o.Location(), "to", f)
	if err := f.Err(); err != nil {
		web.Fail(c, err)
		return
	}
	d, err := h.d.Documents.Register(c.Request.Context(), web.Call(c), o.ID, from, to)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, view(d))
}

func parseBound(s string, loc *time.Location, field string, f errs.Fields) time.Time {
	t, ok := document.ParseBound(s, loc)
	if !ok {
		f.Add(field, "a date (2025-01-01) or an RFC 3339 time")
	}
	return t
}

// statisticsInput chooses the annual statistics to generate.
type statisticsInput struct {
	Kind string `json:"kind"`
	Year int    `json:"year"`
}

func (h *handlers) statistics(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	var in statisticsInput
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	d, err := h.d.Documents.AnnualStatistics(c.Request.Context(), web.Call(c), o.ID, in.Kind, in.Year)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, view(d))
}
