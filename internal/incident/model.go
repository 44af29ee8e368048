// Package incident keeps the public incident page of each breach: what
// happened, what the organization is doing, what people can do, how to
// reach it, and the substitute notice where a rule calls for one, in
// English and French. A privacy officer saves drafts (each a new version,
// never changed afterwards), previews, publishes a version, posts dated
// updates and withdraws the page; every step is audited. The page lives at
// a stable address (a slug chosen or random); an organization may list its
// published pages on an index, off unless a privacy officer turns it on.
package incident

import (
	"time"
)

// Page statuses.
const (
	Draft     = "draft"
	Published = "published"
	Withdrawn = "withdrawn"
)

// Languages are the languages every page is written in.
var Languages = []string{"en", "fr"}

// Texts are a page's words in one language.
type Texts struct {
	Title          string `json:"title"`
	WhatHappened   string `json:"what_happened"`
	WhatWeAreDoing string `json:"what_we_are_doing"`
	WhatYouCanDo   string `json:"what_you_can_do"`
	Contact        string `json:"contact"`
	SubstituteText string `json:"substitute_notice"`
}

// Content is one version of a page: its texts by language and the call
// centre's number (the same in every language).
type Content struct {
	Texts      map[string]Texts `json:"texts"`
	CallCentre string           `json:"call_centre"`
}

// In returns the texts of a language (empty texts when it has none).
func (c Content) In(lang string) Texts { return c.Texts[lang] }

// Incident is a breach's page.
type Incident struct {
	ID               int64      `gorm:"primaryKey" json:"id"`
	OrganizationID   int64      `json:"organization_id"`
	BreachID         int64      `json:"breach_id"`
	Slug             string     `json:"slug"`
	Status           string     `json:"status"`
	DraftVersion     int        `json:"draft_version"`
	PublishedVersion int        `json:"published_version"`
	FirstPublishedAt *time.Time `json:"first_published_at,omitempty"`
	PublishedAt      *time.Time `json:"published_at,omitempty"`
	WithdrawnAt      *time.Time `json:"withdrawn_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// Version is one saved text of a page, kept as it was saved.
type Version struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	IncidentID int64     `json:"incident_id"`
	Version    int       `json:"version"`
	Content    Content   `gorm:"serializer:json" json:"content"`
	CreatedBy  *int64    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName is the versions table.
func (Version) TableName() string { return "incident_versions" }

// Update is a dated update posted on a published page.
type Update struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	IncidentID int64     `json:"incident_id"`
	PostedAt   time.Time `json:"posted_at"`
	TextEN     string    `gorm:"column:text_en" json:"text_en"`
	TextFR     string    `gorm:"column:text_fr" json:"text_fr"`
	CreatedBy  *int64    `json:"created_by,omitempty"`
}

// TableName is the updates table.
func (Update) TableName() string { return "incident_updates" }

// In is the update's text in a language.
func (u Update) In(lang string) string {
	if lang == "fr" {
		return u.TextFR
	}
	return u.TextEN
}

// Settings are an organization's choices about its pages.
type Settings struct {
	OrganizationID int64 `gorm:"primaryKey" json:"organization_id"`
	// PublicIndex lists the organization's published pages at
	// /incidents/org/<IndexSlug>.
	PublicIndex bool      `json:"public_index"`
	IndexSlug   string    `json:"index_slug"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TableName is the settings table.
func (Settings) TableName() string { return "incident_settings" }

// Management is what the privacy office's page shows of a breach's page.
type Management struct {
	// Incident is nil until a first draft is saved.
	Incident *Incident
	// Draft is the latest saved content (empty before the first).
	Draft    Content
	Versions []Version
	Updates  []Update
	Settings Settings
}

// Public is a page as a visitor sees it.
type Public struct {
	Slug         string
	Status       string
	Organization string
	Content      Content
	Updates      []Update
	PublishedAt  *time.Time
	// FirstPublishedAt is when the page first went up.
	FirstPublishedAt *time.Time
	// Preview: a draft shown to the privacy office, never to the public.
	Preview bool
}

// IndexEntry is one published page on an organization's index.
type IndexEntry struct {
	Slug        string
	Titles      map[string]string
	PublishedAt time.Time
}

// Index is an organization's published pages.
type Index struct {
	Organization string
	Slug         string
	Entries      []IndexEntry
}
