// Package obligation keeps, per breach, the duties the regulation catalogue
// gives rise to: it builds the facts of a stored breach (organization,
// earliest events, per-region counts from the database, mapped data
// categories, answers, duties already filed), evaluates them with
// internal/rules, snapshots each duty's terms in the obligations table,
// records every change in obligation_history and carries the people's
// decisions (filed, waived, not required) across re-evaluations.
package obligation

import (
	"time"

	"github.com/breachline/breachline/internal/rules"
)

// Statuses of an obligation. Pending, undetermined and not_required are set
// by evaluation until a person decides (DecidedAt set); filed, waived and a
// decided not_required are never changed by re-evaluation.
const (
	StatusPending      = "pending"
	StatusFiled        = "filed"
	StatusNotRequired  = "not_required"
	StatusWaived       = "waived"
	StatusUndetermined = "undetermined"
)

// Obligation is one duty considered for a breach. Open duties (the ones
// reminders and calendars care about) have Status pending.
type Obligation struct {
	ID               int64              `gorm:"primaryKey" json:"id"`
	BreachID         int64              `json:"breach_id"`
	OrganizationID   int64              `json:"organization_id"`
	RuleKey          string             `json:"rule_key"`
	RuleID           string             `json:"rule"`
	RulePart         string             `json:"part,omitempty"`
	RuleVersion      string             `json:"version"`
	Jurisdiction     string             `json:"jurisdiction"`
	Recipient        rules.Recipient    `gorm:"serializer:json" json:"recipient"`
	Required         *bool              `json:"required"`
	DueAt            *time.Time         `json:"due"`
	DueZone          string             `json:"due_zone,omitempty"`
	DueDate          string             `json:"due_date,omitempty"`
	Standard         string             `json:"standard,omitempty"`
	InternalTargetAt *time.Time         `json:"internal_target,omitempty"`
	Anchor           string             `json:"anchor,omitempty"`
	AnchorAt         *time.Time         `json:"anchor_at,omitempty"`
	Explanation      string             `json:"explanation"`
	Missing          []string           `gorm:"serializer:json" json:"missing"`
	Citation         string             `json:"citation"`
	Source           string             `json:"source,omitempty"`
	RuleStatus       string             `json:"rule_status"`
	StatusNote       string             `json:"status_note,omitempty"`
	Alternative      *rules.Alternative `gorm:"serializer:json" json:"alternative,omitempty"`
	// Considered is false once the breach no longer touches the rule's
	// jurisdiction (the row stays, with its history).
	Considered      bool       `json:"considered"`
	Status          string     `json:"status"`
	FiledAt         *time.Time `json:"filed_at,omitempty"`
	FilingReference string     `json:"filing_reference,omitempty"`
	DocumentID      *int64     `json:"document_id,omitempty"`
	Rationale       string     `json:"rationale,omitempty"`
	DecidedBy       *int64     `json:"decided_by,omitempty"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	ApprovedBy      *int64     `json:"approved_by,omitempty"`
	EvaluatedAt     time.Time  `json:"evaluated_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// Overdue is computed when read: open, dated and past due.
	Overdue bool `gorm:"-" json:"overdue"`
	// TargetPassed is computed when read: open, with no statutory date, and
	// past the organization's internal target. The law sets no deadline, so
	// this is not "overdue", but it is late by the organization's own standard.
	TargetPassed bool `gorm:"-" json:"target_passed"`
}

// Open reports whether the duty still needs doing.
func (o *Obligation) Open() bool {
	return o.Considered && (o.Status == StatusPending || o.Status == StatusUndetermined)
}

// History is one append-only change of an obligation.
type History struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	ObligationID int64     `json:"obligation_id"`
	At           time.Time `json:"at"`
	// Change lists what changed, comma-separated: created, required_changed,
	// due_moved, terms_changed, no_longer_considered, considered_again,
	// status (a person's decision).
	Change string    `json:"change"`
	Before *Snapshot `gorm:"column:before_json;serializer:json" json:"before"`
	After  *Snapshot `gorm:"column:after_json;serializer:json" json:"after"`
	Actor  string    `json:"actor"`
	Cause  string    `json:"cause"`
}

// TableName is the history table.
func (History) TableName() string { return "obligation_history" }

// Snapshot is the state of an obligation recorded before and after a change.
type Snapshot struct {
	Version         string             `json:"version"`
	Required        *bool              `json:"required"`
	Due             *time.Time         `json:"due"`
	DueDate         string             `json:"due_date,omitempty"`
	Standard        string             `json:"standard,omitempty"`
	InternalTarget  *time.Time         `json:"internal_target,omitempty"`
	Explanation     string             `json:"explanation"`
	Missing         []string           `json:"missing,omitempty"`
	Alternative     *rules.Alternative `json:"alternative,omitempty"`
	Considered      bool               `json:"considered"`
	Status          string             `json:"status"`
	FiledAt         *time.Time         `json:"filed_at,omitempty"`
	FilingReference string             `json:"filing_reference,omitempty"`
	DocumentID      *int64             `json:"document_id,omitempty"`
	Rationale       string             `json:"rationale,omitempty"`
}

func (o *Obligation) snapshot() *Snapshot {
	return &Snapshot{
		Version: o.RuleVersion, Required: o.Required, Due: o.DueAt, DueDate: o.DueDate, Standard: o.Standard,
		InternalTarget: o.InternalTargetAt, Explanation: o.Explanation, Missing: o.Missing, Alternative: o.Alternative,
		Considered: o.Considered, Status: o.Status, FiledAt: o.FiledAt, FilingReference: o.FilingReference,
		DocumentID: o.DocumentID, Rationale: o.Rationale,
	}
}
