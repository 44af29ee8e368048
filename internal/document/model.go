package document

import (
	"time"

	"github.com/breachline/breachline/internal/report"
)

// Stages of a document. Filings are preliminary, update or final; other
// documents (summary, register, statistics) have no stage.
const (
	StagePreliminary = report.StagePreliminary
	StageUpdate      = report.StageUpdate
	StageFinal       = report.StageFinal
	StageNone        = "none"
)

// Document is one stored version of a generated document. PDF and CSV are
// loaded only by Download; listings leave them empty.
type Document struct {
	ID               int64      `gorm:"primaryKey" json:"id"`
	OrganizationID   int64      `json:"organization_id"`
	BreachID         *int64     `json:"breach_id,omitempty"`
	ObligationID     *int64     `json:"obligation_id,omitempty"`
	Kind             string     `json:"kind"`
	Stage            string     `json:"stage"`
	Series           string     `json:"-"`
	Version          int        `json:"version"`
	Title            string     `json:"title"`
	DocumentID       string     `gorm:"column:document_id" json:"document_id"`
	Params           Params     `gorm:"serializer:json" json:"params"`
	SHA256           string     `gorm:"column:sha256" json:"sha256"`
	Size             int64      `json:"size"`
	PDF              []byte     `gorm:"column:pdf" json:"-"`
	CSV              []byte     `gorm:"column:csv" json:"-"`
	CSVSHA256        string     `gorm:"column:csv_sha256" json:"csv_sha256,omitempty"`
	Missing          []Missing  `gorm:"serializer:json" json:"missing"`
	GeneratedBy      *int64     `json:"generated_by,omitempty"`
	GeneratedByLabel string     `json:"generated_by_label"`
	GeneratedAt      time.Time  `json:"generated_at"`
	FiledAt          *time.Time `json:"filed_at,omitempty"`
	FiledBy          *int64     `json:"filed_by,omitempty"`
	FilingReference  string     `json:"filing_reference"`
	// Warnings are notes about a call's side effects (not stored), e.g. an
	// obligation that could not be marked filed.
	Warnings []string `gorm:"-" json:"warnings,omitempty"`
}

// TableName is the documents table.
func (Document) TableName() string { return "documents" }

// Filed reports whether the document has been filed (and is frozen).
func (d Document) Filed() bool { return d.FiledAt != nil }

// HasCSV reports whether a CSV is stored beside the PDF.
func (d Document) HasCSV() bool { return d.CSVSHA256 != "" }

// Params are the choices a document was generated with.
type Params struct {
	State string     `json:"state,omitempty"` // US state for us-state-ag
	From  *time.Time `json:"from,omitempty"`  // register period, inclusive
	To    *time.Time `json:"to,omitempty"`    // register period, exclusive
	Year  int        `json:"year,omitempty"`  // annual statistics
}

// Missing is one content item the document needed and the breach did not
// yet have when it was generated.
type Missing struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Why   string `json:"why,omitempty"`
	// Optional marks an item the law or the form asks for only if known:
	// printed as not yet known and listed, but no bar to a final filing.
	Optional bool `json:"optional,omitempty"`
}

func missingFrom(list []report.Missing) []Missing {
	out := make([]Missing, len(list))
	for i, m := range list {
		out[i] = Missing{Field: m.Field, Label: m.Label, Why: m.Why, Optional: m.Optional}
	}
	return out
}

// metaColumns are the columns of a listing: everything but the bytes.
func metaColumns() []string {
	return []string{
		"id", "organization_id", "breach_id", "obligation_id", "kind", "stage", "series", "version", "title",
		"document_id", "params", "sha256", "size", "csv_sha256", "missing", "generated_by", "generated_by_label",
		"generated_at", "filed_at", "filed_by", "filing_reference",
	}
}
