// Package breach records privacy breaches: their facts, the timeline of
// clock-starting events, the data categories exposed and the answers to the
// assessment questions of the regulation catalogue.
package breach

import (
	"time"
)

// Breach is one privacy incident of an organization.
type Breach struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Reference      string    `json:"reference"`
	Title          string    `json:"title"`
	Description    string    `json:"description"`
	Nature         []string  `gorm:"serializer:json" json:"nature"`
	Kinds          []string  `gorm:"serializer:json" json:"kinds"`
	DataCategories []string  `gorm:"serializer:json" json:"data_categories"`
	Status         string    `json:"status"`
	Cause          string    `json:"cause"`
	Containment    string    `json:"containment"`
	Mitigation     string    `json:"mitigation"`
	CreatedBy      *int64    `json:"created_by,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Events         []Event   `gorm:"-" json:"events"`
	Answers        []Answer  `gorm:"-" json:"answers"`
	// Estimates are the estimated numbers of affected people by region
	// (CA-ON, DE), recorded before a roster exists.
	Estimates map[string]int64 `gorm:"-" json:"estimates,omitempty"`
}

// Event is a dated fact on the timeline; several start legal clocks. The
// instant is stored in UTC with the zone it was recorded in.
type Event struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	BreachID  int64     `json:"-"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	Zone      string    `json:"zone"`
	Note      string    `json:"note"`
	CreatedBy *int64    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the events table.
func (Event) TableName() string { return "breach_events" }

// Local is the event's instant in the zone it was recorded in.
func (e Event) Local() time.Time {
	if loc, err := time.LoadLocation(e.Zone); err == nil {
		return e.At.In(loc)
	}
	return e.At.UTC()
}

// EventChange is one correction or deletion of a timeline event: what
// the event was, what it became (nil when deleted), why, who and when.
type EventChange struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	BreachID  int64     `json:"-"`
	EventID   int64     `json:"event_id"`
	Action    string    `json:"action"` // corrected or deleted
	Before    *Event    `gorm:"column:before_json;serializer:json" json:"before"`
	After     *Event    `gorm:"column:after_json;serializer:json" json:"after"`
	Reason    string    `json:"reason"`
	ChangedBy *int64    `json:"changed_by,omitempty"`
	ChangedAt time.Time `json:"changed_at"`
}

// TableName is the event history table.
func (EventChange) TableName() string { return "breach_event_changes" }

// Answer is the answer to one assessment question of the catalogue.
type Answer struct {
	BreachID   int64     `gorm:"primaryKey" json:"-"`
	QuestionID string    `gorm:"primaryKey" json:"question_id"`
	Value      string    `json:"value"`
	Rationale  string    `json:"rationale"`
	AnsweredBy *int64    `json:"answered_by,omitempty"`
	AnsweredAt time.Time `json:"answered_at"`
}

// TableName is the answers table.
func (Answer) TableName() string { return "assessment_answers" }

// Category is an entry of the data-category list (config/data-categories.yaml).
type Category struct {
	ID          string   `gorm:"primaryKey" json:"id" yaml:"id"`
	Name        string   `json:"name" yaml:"name"`
	NameFR      string   `gorm:"column:name_fr" json:"name_fr" yaml:"name_fr"`
	Sensitivity string   `json:"sensitivity" yaml:"sensitivity"`
	Description string   `json:"description" yaml:"description"`
	Regimes     []string `gorm:"serializer:json" json:"regimes" yaml:"regimes"`
	// RuleCategories are the regulation catalogue's data-category ids this
	// category counts as when obligations are evaluated.
	RuleCategories []string `gorm:"serializer:json" json:"rule_categories" yaml:"rule_categories"`
}

// TableName is the categories table.
func (Category) TableName() string { return "data_categories" }

// Statuses a breach moves through.
var Statuses = []string{"open", "contained", "closed"}

// Natures are the CIA classification of a breach (GDPR, NIS2).
var Natures = []string{"confidentiality", "integrity", "availability"}

// ProductEvents are timeline events the product records that start no legal
// clock, so they are not in the regulation catalogue's vocabulary. Every
// other event kind (and every breach kind) must be a term of the catalogue's
// vocabulary, checked through Terms.
var ProductEvents = []string{
	"contained", "reported_to_police", "closed", "assessment_started",
	"media_notified", "controller_informed",
}

// Terms is the closed vocabulary a breach's kinds, clock events and
// assessment answers must use: the regulation catalogue's
// (config/regulations/vocabulary.yaml), supplied by the application.
type Terms interface {
	// BreachKind reports whether id is a breach kind of the vocabulary.
	BreachKind(id string) bool
	// ClockEvent reports whether id is a clock event of the vocabulary.
	ClockEvent(id string) bool
	// Question reports whether id is an assessment question.
	Question(id string) bool
	// CheckAnswer returns "" when value answers the question, else what is
	// wrong (not one of the options, not yes/no, not a number).
	CheckAnswer(questionID, value string) string
	// KindIDs and EventIDs list the terms, for error messages.
	KindIDs() []string
	EventIDs() []string
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
