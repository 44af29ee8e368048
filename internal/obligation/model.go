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
//
// Kind says what its date means (rules.KindDuty and the others): only a
// duty has a due date that can be overdue; a record to keep has UntilAt, a
// permitted step is never required (Applies says whether it applies), and
// a regulator's practice date is InternalTargetAt.
type Obligation struct {
	ID             int64  `gorm:"primaryKey" json:"id"`
	BreachID       int64  `json:"breach_id"`
	OrganizationID int64  `json:"organization_id"`
	RuleKey        string `json:"rule_key"`
	RuleID         string `json:"rule"`
	RulePart       string `json:"part,omitempty"`
	RuleVersion    string `json:"version"`
	// EffectiveFrom and EffectiveTo bound the version in force (civil
	// dates, inclusive, empty when open); EffectiveNote says what is known
	// when they are not recorded.
	EffectiveFrom string          `json:"effective_from,omitempty"`
	EffectiveTo   string          `json:"effective_to,omitempty"`
	EffectiveNote string          `json:"effective_note,omitempty"`
	Kind          string          `json:"kind"`
	Jurisdiction  string          `json:"jurisdiction"`
	Recipient     rules.Recipient `gorm:"serializer:json" json:"recipient"`
	// Region, RegionName and Count name the one region a per-region duty
	// is for (the key is RULE@REGION) and how many affected people live
	// there.
	Region     string `json:"region,omitempty"`
	RegionName string `json:"region_name,omitempty"`
	Count      *int   `gorm:"column:region_count" json:"count,omitempty"`
	// Applies is whether the rule applies; Required equals it except for a
	// permitted step, which applies without ever being required.
	Applies          *bool      `json:"applies"`
	Required         *bool      `json:"required"`
	DueAt            *time.Time `json:"due"`
	DueZone          string     `json:"due_zone,omitempty"`
	DueDate          string     `json:"due_date,omitempty"`
	UntilAt          *time.Time `json:"until,omitempty"`
	UntilDate        string     `json:"until_date,omitempty"`
	Standard         string     `json:"standard,omitempty"`
	InternalTargetAt *time.Time `json:"internal_target,omitempty"`
	Anchor           string     `json:"anchor,omitempty"`
	AnchorAt         *time.Time `json:"anchor_at,omitempty"`
	// SatisfiedBy is the key of the duty (a federal one) whose fulfilment
	// satisfies this one; SatisfiedByID is that duty's row in the same
	// breach, when it is there (set when read).
	SatisfiedBy   string   `json:"satisfied_by,omitempty"`
	SatisfiedByID *int64   `gorm:"-" json:"satisfied_by_id,omitempty"`
	Explanation   string   `json:"explanation"`
	Missing       []string `gorm:"serializer:json" json:"missing"`
	Citation      string   `json:"citation"`
	Source        string   `json:"source,omitempty"`
	SeeAlso       []string `gorm:"serializer:json" json:"see_also"`
	RuleStatus    string   `json:"rule_status"`
	StatusNote    string   `json:"status_note,omitempty"`
	Notes         string   `json:"notes,omitempty"`
	// French holds the same words in French, from the French catalogue;
	// nil until the obligation is evaluated with it. See In.
	French *rules.Texts `gorm:"column:texts_fr;serializer:json" json:"-"`
	// Provisions are the definitions and exemptions the decision relied on.
	Provisions []rules.Provision `gorm:"serializer:json" json:"provisions"`
	// Alternatives are the other readings of the law, after the primary
	// (conservative) one; Alternative repeats the first.
	Alternatives []rules.Alternative `gorm:"serializer:json" json:"alternatives"`
	Alternative  *rules.Alternative  `gorm:"serializer:json" json:"alternative,omitempty"`
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
	// Overdue is computed when read: an open duty (never a record to keep,
	// a permitted step or a practice date), dated and past due.
	Overdue bool `gorm:"-" json:"overdue"`
	// TargetPassed is computed when read: open, with no statutory date, and
	// past the organization's internal target (or, for a target, the
	// regulator's practice date). The law sets no deadline, so this is not
	// "overdue", but it is late by the organization's own standard. Never
	// set for a record to keep or a permitted step.
	TargetPassed bool `gorm:"-" json:"target_passed"`
}

// Open reports whether the duty still needs doing.
func (o *Obligation) Open() bool {
	return o.Considered && (o.Status == StatusPending || o.Status == StatusUndetermined)
}

// Duty reports whether the obligation is a duty, whose date is a statutory
// deadline that can be missed (rows stored before kinds existed are duties).
func (o *Obligation) Duty() bool { return o.Kind == rules.KindDuty || o.Kind == "" }

// Targeted reports whether the obligation is tracked against its internal
// target: a duty the law gives no fixed date ("as soon as feasible"), or a
// regulator's practice date. Records to keep and permitted steps are not.
func (o *Obligation) Targeted() bool {
	return o.DueAt == nil && o.InternalTargetAt != nil && (o.Duty() || o.Kind == rules.KindTarget)
}

// Permitted reports whether the obligation is a step the law allows (or a
// regulator recommends) and that applies to the breach.
func (o *Obligation) Permitted() bool {
	return o.Kind == rules.KindPermitted && o.Applies != nil && *o.Applies
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
	Version         string              `json:"version"`
	Kind            string              `json:"kind,omitempty"`
	Count           *int                `json:"count,omitempty"`
	Applies         *bool               `json:"applies,omitempty"`
	Required        *bool               `json:"required"`
	Due             *time.Time          `json:"due"`
	DueDate         string              `json:"due_date,omitempty"`
	Until           *time.Time          `json:"until,omitempty"`
	UntilDate       string              `json:"until_date,omitempty"`
	Standard        string              `json:"standard,omitempty"`
	InternalTarget  *time.Time          `json:"internal_target,omitempty"`
	SatisfiedBy     string              `json:"satisfied_by,omitempty"`
	Explanation     string              `json:"explanation"`
	Missing         []string            `json:"missing,omitempty"`
	Alternative     *rules.Alternative  `json:"alternative,omitempty"`
	Alternatives    []rules.Alternative `json:"alternatives,omitempty"`
	Provisions      []rules.Provision   `json:"provisions,omitempty"`
	Considered      bool                `json:"considered"`
	Status          string              `json:"status"`
	FiledAt         *time.Time          `json:"filed_at,omitempty"`
	FilingReference string              `json:"filing_reference,omitempty"`
	DocumentID      *int64              `json:"document_id,omitempty"`
	Rationale       string              `json:"rationale,omitempty"`
}

func (o *Obligation) snapshot() *Snapshot {
	return &Snapshot{
		Version: o.RuleVersion, Kind: o.Kind, Count: o.Count, Applies: o.Applies, Required: o.Required,
		Due: o.DueAt, DueDate: o.DueDate, Until: o.UntilAt, UntilDate: o.UntilDate, Standard: o.Standard,
		InternalTarget: o.InternalTargetAt, SatisfiedBy: o.SatisfiedBy, Explanation: o.Explanation, Missing: o.Missing,
		Alternative: o.Alternative, Alternatives: o.Alternatives, Provisions: o.Provisions,
		Considered: o.Considered, Status: o.Status, FiledAt: o.FiledAt, FilingReference: o.FilingReference,
		DocumentID: o.DocumentID, Rationale: o.Rationale,
	}
}
