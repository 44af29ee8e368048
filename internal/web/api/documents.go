package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/web"
)

// DocumentService is what the document routes need (document.Service):
// kinds, the missing-content check, generation, listing, download (audited)
// and filing, and the organization-level register and annual statistics.
type DocumentService interface {
	Missing(ctx context.Context, p *auth.Principal, breachID int64, kind, stage string) ([]document.Missing, error)
	Generate(ctx context.Context, c breach.Call, breachID int64, r document.Request) (document.Document, error)
	List(ctx context.Context, p *auth.Principal, breachID int64) ([]document.Document, error)
	ListOrganization(ctx context.Context, p *auth.Principal, orgID int64) ([]document.Document, error)
	Get(ctx context.Context, p *auth.Principal, id int64) (document.Document, error)
	Download(ctx context.Context, c breach.Call, id int64, format string) (document.Document, error)
	File(ctx context.Context, c breach.Call, id int64, filedAt time.Time, reference string) (document.Document, error)
	Register(ctx context.Context, c breach.Call, orgID int64, from, to time.Time) (document.Document, error)
	AnnualStatistics(ctx context.Context, c breach.Call, orgID int64, kind string, year int) (document.Document, error)
}

func (h *handlers) documentRoutes(api *gin.RouterGroup) {
	api.GET("/document-kinds", h.kinds)
	api.GET("/breaches/:id/documents", h.listDocuments)
	api.POST("/breaches/:id/documents", h.generate)
	api.GET("/breaches/:id/documents/missing", h.missing)
	api.GET("/documents/:id", h.getDocument)
	api.GET("/documents/:id/pdf", h.pdf)
	api.GET("/documents/:id/csv", h.csv)
	api.POST("/documents/:id/filing", h.file)
	api.GET("/organizations/:org/documents", h.listOrg)
	api.POST("/organizations/:org/register", h.register)
	api.POST("/organizations/:org/statistics", h.statistics)
}

// kindView is a document kind as the API shows it.
type kindView struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Regulator string   `json:"regulator,omitempty"`
	Language  string   `json:"language"`
	RuleIDs   []string `json:"rule_ids"`
	Filing    bool     `json:"filing"`
	CSV       bool     `json:"csv"`
	Scope     string   `json:"scope"` // breach or organization
}

func (h *handlers) kinds(c *gin.Context) {
	list := document.Kinds()
	out := make([]kindView, len(list))
	for i, k := range list {
		out[i] = kindView{ID: k.ID, Title: k.Title, Regulator: k.Regulator, Language: k.Language,
			RuleIDs: nonNil(k.RuleIDs), Filing: k.Filing, CSV: k.CSV, Scope: scope(k)}
	}
	c.JSON(http.StatusOK, gin.H{"kinds": out})
}

func scope(k report.KindInfo) string {
	if document.OrganizationKind(k.ID) {
		return "organization"
	}
	return "breach"
}

// docView is a document's metadata with the links to its bytes.
type docView struct {
	document.Document
	HasCSV bool   `json:"has_csv"`
	PDFURL string `json:"pdf_url"`
	CSVURL string `json:"csv_url,omitempty"`
}

func view(d document.Document) docView {
	v := docView{Document: d, HasCSV: d.HasCSV(), PDFURL: fmt.Sprintf("/api/v1/documents/%d/pdf", d.ID)}
	if v.HasCSV {
		v.CSVURL = fmt.Sprintf("/api/v1/documents/%d/csv", d.ID)
	}
	if v.Missing == nil {
		v.Missing = []document.Missing{}
	}
	return v
}

func views(list []document.Document) []docView {
	out := make([]docView, len(list))
	for i, d := range list {
		out[i] = view(d)
	}
	return out
}

func (h *handlers) missing(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	kind, stage := c.Query("kind"), c.Query("stage")
	list, err := h.d.Documents.Missing(c.Request.Context(), web.Principal(c), id, kind, stage)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"kind": kind, "stage": stage, "missing": list})
}

func (h *handlers) generate(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	var in document.Request
	if err := web.Decode(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	d, err := h.d.Documents.Generate(c.Request.Context(), web.Call(c), id, in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, view(d))
}

func (h *handlers) listDocuments(c *gin.Context) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	list, err := h.d.Documents.List(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"documents": views(list)})
}

func (h *handlers) getDocument(c *gin.Context) {
	if v := c.Query("download"); v == "1" || v == "true" {
		h.send(c, document.FormatPDF)
		return
	}
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	d, err := h.d.Documents.Get(c.Request.Context(), web.Principal(c), id)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, view(d))
}

func (h *handlers) pdf(c *gin.Context) { h.send(c, document.FormatPDF) }
func (h *handlers) csv(c *gin.Context) { h.send(c, document.FormatCSV) }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// send writes a document's PDF or CSV as an attachment; the download is audited.
func (h *handlers) send(c *gin.Context, format string) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		web.Fail(c, err)
		return
	}
	d, err := h.d.Documents.Download(c.Request.Context(), web.Call(c), id, format)
	if err != nil {
		web.Fail(c, err)
		return
	}
	body, ctype, sum := d.PDF, "application/pdf", d.SHA256
	if format == document.FormatCSV {
		body, ctype, sum = d.CSV, "text/csv; charset=utf-8", d.CSVSHA256
	}
	name := unsafeName.ReplaceAllString(d.DocumentID, "_") + "." + format
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-SHA256", sum)
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(http.StatusOK, ctype, body)
}

// orgParam resolves the :org parameter for the caller; another org is a 404.
func (h *handlers) orgParam(c *gin.Context) (auth.Organization, bool) {
	o, err := h.d.Auth.Organization(c.Request.Context(), web.Principal(c), c.Param("org"))
	if err != nil {
		web.Fail(c, err)
		return auth.Organization{}, false
	}
	return o, true
}

func (h *handlers) listOrg(c *gin.Context) {
	o, ok := h.orgParam(c)
	if !ok {
		return
	}
	list, err := h.d.Documents.ListOrganization(c.Request.Context(), web.Principal(c), o.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"documents": views(list)})
}
