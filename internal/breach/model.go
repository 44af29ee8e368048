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
}

// TableName is the categories table.
func (Category) TableName() string { return "data_categories" }

// Statuses a breach moves through.
var Statuses = []string{"open", "contained", "closed"}

// Natures are the CIA classification of a breach (GDPR, NIS2).
var Natures = []string{"confidentiality", "integrity", "availability"}

// Kinds describe what happened, in the words the statutes use.
var Kinds = []string{
	"theft", "loss", "unauthorized_access", "unauthorized_use", "unauthorized_disclosure",
	"unauthorized_acquisition", "ransomware", "misdirected", "insider", "phishing",
	"lost_device", "system_misconfiguration", "destruction", "alteration", "other",
}

// EventKinds are the timeline events the catalogue's clocks can start from.
var EventKinds = []string{
	"occurred", "discovered", "aware", "determined", "materiality_determined",
	"classified_major", "assessed_notifiable", "assessment_started", "contained",
	"controller_informed", "covered_entity_informed", "law_enforcement_delay_start",
	"law_enforcement_delay_end", "individuals_notified", "regulator_notified",
	"media_notified", "ransom_paid", "reported_to_police", "closed",
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
