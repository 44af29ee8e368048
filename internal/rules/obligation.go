package rules

import "time"

// Kinds of duty a rule describes (Rule.Kind, Obligation.Kind). The kind
// decides what the date means and whether it can ever be overdue.
const (
	// KindDuty is a duty to notify, report or file: its due date is a
	// statutory deadline that can be missed (overdue).
	KindDuty = "duty"
	// KindPermitted is something the law allows or a regulator recommends
	// (Québec P-39.1 s.3.5: the enterprise "may" notify bodies that could
	// reduce the risk). It is never required and never overdue; Until, if
	// any, is the end of the window in which it may be done.
	KindPermitted = "permitted"
	// KindRetention is a record the law says to keep for a period
	// (PIPEDA s.10.3): Until is the date it may be discarded, counted from
	// the event the law names. It is never overdue.
	KindRetention = "retention"
	// KindTarget is a duty whose date is not in the statute (a regulator's
	// practice, unverified): the date is shown as InternalTarget, never as
	// a due date that goes overdue.
	KindTarget = "target"
)

// Result is the outcome of an assessment.
type Result struct {
	Obligations []Obligation `json:"obligations"`
	Warnings    []string     `json:"warnings,omitempty"`
}

// Obligation is one rule considered for the breach, required or not.
//
// Storage and pages read these fields; the ones added for the kinds of duty
// (Kind, Applies, Until, Alternatives, SatisfiedBy, Region, Count, Notes,
// Provisions, SeeAlso) are documented where they are declared.
type Obligation struct {
	Rule    string `json:"rule"`
	Part    string `json:"part,omitempty"`
	Version string `json:"version"`
	// EffectiveFrom and EffectiveTo bound the version in force (civil
	// dates, inclusive; empty = open); EffectiveNote says what is known
	// when they are not recorded.
	EffectiveFrom string `json:"effective_from,omitempty"`
	EffectiveTo   string `json:"effective_to,omitempty"`
	EffectiveNote string `json:"effective_note,omitempty"`
	// Kind is KindDuty, KindPermitted, KindRetention or KindTarget.
	Kind         string    `json:"kind"`
	Jurisdiction string    `json:"jurisdiction"`
	Recipient    Recipient `json:"recipient"`
	// Region and RegionName name the one region a per-region duty is for
	// (HIPAA media notice: one duty per state); Count is the number of
	// affected people there. Empty for other duties.
	Region     string `json:"region,omitempty"`
	RegionName string `json:"region_name,omitempty"`
	Count      *int   `json:"count,omitempty"`
	// Applies is whether the rule applies to the facts (true, false, or
	// null while undetermined). Required equals Applies except for
	// permitted kinds, which are never required.
	Applies  *bool      `json:"applies"`
	Required *bool      `json:"required"`
	Due      *time.Time `json:"due"`
	DueDate  *string    `json:"due_date"`
	// Until is the keep-until date of a retention record, or the end of
	// the window of a permitted step. It is never a deadline.
	Until          *time.Time `json:"until,omitempty"`
	UntilDate      *string    `json:"until_date,omitempty"`
	Standard       string     `json:"standard,omitempty"`
	InternalTarget *time.Time `json:"internal_target,omitempty"`
	Anchor         string     `json:"anchor,omitempty"`
	AnchorAt       *time.Time `json:"anchor_at,omitempty"`
	// SatisfiedBy is the key of another duty (a federal one) whose
	// fulfilment satisfies this one under a "deemed compliant" clause.
	SatisfiedBy string   `json:"satisfied_by,omitempty"`
	Explanation string   `json:"explanation"`
	Missing     []string `json:"missing,omitempty"`
	Citation    string   `json:"citation"`
	// Source is the official text of the rule (statute, regulation or the
	// regulator's own page); SeeAlso lists secondary sources.
	Source     string   `json:"source,omitempty"`
	SeeAlso    []string `json:"see_also,omitempty"`
	RuleStatus string   `json:"rule_status"`
	// StatusNote says what exactly is unverified or in conflict.
	StatusNote string `json:"status_note,omitempty"`
	// Notes are the rule's own notes: further duties, content, pitfalls.
	Notes string `json:"notes,omitempty"`
	// Provisions are the definitions and exemptions the decision relied
	// on, each with its citation and how far it was checked.
	Provisions []Provision `json:"provisions,omitempty"`
	// Alternative is the first of Alternatives (kept for readers that
	// know only one).
	Alternative *Alternative `json:"alternative,omitempty"`
	// Alternatives are the other readings where the law reads two ways,
	// after the primary (conservative) one.
	Alternatives []Alternative  `json:"alternatives,omitempty"`
	Overdue      bool           `json:"overdue"`
	Content      []ContentField `json:"content,omitempty"`
}

// Key is the duty key (rule, or rule/part) of the obligation, with
// "@REGION" for a per-region duty (US-HIPAA-MEDIA@US-CA).
func (o *Obligation) Key() string {
	k := o.Rule
	if o.Part != "" {
		k += "/" + o.Part
	}
	if o.Region != "" {
		k += "@" + o.Region
	}
	return k
}

// Alternative is another reading of a duty: a different date, or a
// different answer to whether it is required, with the basis for it.
type Alternative struct {
	Due     *time.Time `json:"due"`
	DueDate *string    `json:"due_date"`
	Basis   string     `json:"basis"`
	// Required, when set, is whether the duty is required on this reading
	// (an exemption whose text is unverified).
	Required *bool `json:"required,omitempty"`
	// SatisfiedBy, when set, is the duty that satisfies this one on this
	// reading (a "deemed compliant" clause).
	SatisfiedBy string `json:"satisfied_by,omitempty"`
}

// Provision is a definition or exemption a decision relied on.
type Provision struct {
	// Kind is "definition", "exemption", "deemed_compliant",
	// "safe_harbour" or "law_enforcement_delay".
	Kind     string `json:"kind"`
	Label    string `json:"label"`
	Citation string `json:"citation"`
	Status   string `json:"status"`
	Note     string `json:"note,omitempty"`
	// Applied is false when the provision's text is unverified and it is
	// shown as an alternative reading rather than applied.
	Applied bool `json:"applied"`
}

// Texts are the words of an obligation in its catalogue's language:
// everything a person reads of it apart from ids, dates and citations. An
// obligation evaluated on a French catalogue gives the French texts of the
// same duty its English evaluation gives.
type Texts struct {
	Recipient     Recipient         `json:"recipient"`
	RegionName    string            `json:"region_name,omitempty"`
	EffectiveNote string            `json:"effective_note,omitempty"`
	Standard      string            `json:"standard,omitempty"`
	Explanation   string            `json:"explanation"`
	StatusNote    string            `json:"status_note,omitempty"`
	Notes         string            `json:"notes,omitempty"`
	Alternatives  []string          `json:"alternatives,omitempty"`
	Provisions    []ProvisionWords  `json:"provisions,omitempty"`
	Content       map[string]string `json:"content,omitempty"`
}

// ProvisionWords are the words of one provision.
type ProvisionWords struct {
	Label string `json:"label"`
	Note  string `json:"note,omitempty"`
}

// Texts returns the obligation's words.
func (o *Obligation) Texts() Texts {
	t := Texts{Recipient: o.Recipient, RegionName: o.RegionName, EffectiveNote: o.EffectiveNote,
		Standard: o.Standard, Explanation: o.Explanation, StatusNote: o.StatusNote, Notes: o.Notes}
	for _, a := range o.Alternatives {
		t.Alternatives = append(t.Alternatives, a.Basis)
	}
	for _, p := range o.Provisions {
		t.Provisions = append(t.Provisions, ProvisionWords{Label: p.Label, Note: p.Note})
	}
	if len(o.Content) > 0 {
		t.Content = make(map[string]string, len(o.Content))
		for _, c := range o.Content {
			t.Content[c.ID] = c.Label
		}
	}
	return t
}
