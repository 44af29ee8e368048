// Package notice sends breach notices to affected people: template sets in
// several languages (shipped, or an organization's edited copy), campaigns
// that legal approves as an exact version before anything goes out, and a
// ledger with one delivery per person per campaign that records what
// happened to that person's notice (sent with the server's reply, retried,
// failed, bounced, printed as a letter, mailed, returned). Workers claim
// deliveries in small chunks and mark one sent only once the mail server
// has accepted it, so a worker killed at any moment loses nobody and
// resends at most the messages it had in flight, under the same
// Message-ID. Every recipient gets a reference code to check the notice is
// genuine; only its hash is stored.
package notice

import (
	"time"
)

// Campaign statuses.
const (
	CampaignDraft     = "draft"
	CampaignApproved  = "approved"
	CampaignPreparing = "preparing"
	CampaignSending   = "sending"
	CampaignPaused    = "paused"
	CampaignCancelled = "cancelled"
	CampaignCompleted = "completed"
)

// Delivery statuses. An e-mail goes queued → sending → sent, or retry (a
// temporary refusal; tried again later), failed (refused for good) or
// bounced (reported undeliverable after it was sent). A letter goes letter
// → printed → mailed, or returned. A person with no usable e-mail and no
// postal address is undeliverable (the substitute notice reaches them).
const (
	Queued        = "queued"
	Sending       = "sending"
	Retry         = "retry"
	Sent          = "sent"
	Failed        = "failed"
	Bounced       = "bounced"
	Letter        = "letter"
	Printed       = "printed"
	Mailed        = "mailed"
	Returned      = "returned"
	Undeliverable = "undeliverable"
	Cancelled     = "cancelled"
)

// Final reports whether a delivery status is an end state: a campaign
// completes only when every delivery is in one.
func Final(status string) bool {
	switch status {
	case Sent, Failed, Bounced, Mailed, Returned, Undeliverable, Cancelled:
		return true
	}
	return false
}

// Statuses lists every delivery status, in the order progress shows them.
var Statuses = []string{Queued, Sending, Retry, Sent, Failed, Bounced, Letter, Printed, Mailed, Returned, Undeliverable, Cancelled}

// Channels a delivery goes by.
const (
	ChannelEmail  = "email"
	ChannelPostal = "postal"
	ChannelNone   = "none"
)

// Audience chooses who a campaign reaches among the breach's affected
// people. Empty lists place no limit. Rows flagged as duplicates of another
// person are left out unless a reviewer declared them a distinct person.
type Audience struct {
	Regions   []string `json:"regions,omitempty"`
	Languages []string `json:"languages,omitempty"`
	Channels  []string `json:"channels,omitempty"`
	Imports   []int64  `json:"imports,omitempty"`
	// SameAs reaches the people of an earlier campaign of the breach
	// (corrective and supplemental notices do by default).
	SameAs int64 `json:"same_as,omitempty"`
}

// Content is the campaign's text for the fields it gives, per language:
// Content["fr"]["what_happened"].
type Content map[string]map[string]string

// Campaign is one notice sent to (part of) a breach's affected people.
type Campaign struct {
	ID              int64    `gorm:"primaryKey" json:"id"`
	OrganizationID  int64    `json:"organization_id"`
	BreachID        int64    `json:"breach_id"`
	ObligationID    *int64   `json:"obligation_id,omitempty"`
	FollowsID       *int64   `json:"follows_id,omitempty"`
	Name            string   `json:"name"`
	TemplateSet     string   `json:"template_set"`
	DefaultLanguage string   `json:"default_language"`
	Audience        Audience `gorm:"serializer:json" json:"audience"`
	Content         Content  `gorm:"serializer:json" json:"content"`
	// PersonFields map extra merge fields to the roster columns that hold
	// them for each person (e.g. activation_code -> "Activation Code").
	PersonFields map[string]string `gorm:"serializer:json" json:"person_fields"`
	Status       string            `json:"status"`
	ContentHash  string            `json:"content_hash"`
	ApprovedHash string            `json:"approved_hash,omitempty"`
	ApprovedBy   *int64            `json:"approved_by,omitempty"`
	ApprovedAt   *time.Time        `json:"approved_at,omitempty"`
	PausedReason string            `json:"paused_reason,omitempty"`
	Total        int               `json:"total"`
	CreatedBy    *int64            `json:"created_by,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	StartedAt    *time.Time        `json:"started_at,omitempty"`
	CompletedAt  *time.Time        `json:"completed_at,omitempty"`
	// LettersRequestedAt is set while print files of the letters due are
	// being made; LettersRequestedBy asked for them.
	LettersRequestedAt *time.Time `json:"letters_requested_at,omitempty"`
	LettersRequestedBy *int64     `json:"letters_requested_by,omitempty"`
}

// Approved reports whether legal approved exactly the current content.
func (c *Campaign) Approved() bool {
	return c.ApprovedHash != "" && c.ApprovedHash == c.ContentHash
}

// Delivery is one person's notice of a campaign: the ledger row.
type Delivery struct {
	ID           int64      `gorm:"primaryKey" json:"id"`
	CampaignID   int64      `json:"campaign_id"`
	PersonID     int64      `json:"person_id"`
	Channel      string     `json:"channel"`
	Language     string     `json:"language"`
	Status       string     `json:"status"`
	CodeHash     string     `json:"-"`
	CodeKey      int64      `json:"-"`
	MessageID    string     `json:"message_id"`
	Attempts     int        `json:"attempts"`
	NextAt       *time.Time `json:"next_at,omitempty"`
	ClaimedAt    *time.Time `json:"claimed_at,omitempty"`
	ClaimedBy    string     `json:"-"`
	SMTPCode     int        `gorm:"column:smtp_code" json:"smtp_code,omitempty"`
	SMTPReply    string     `gorm:"column:smtp_reply" json:"smtp_reply,omitempty"`
	EmailFailure string     `json:"email_failure,omitempty"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
	BatchID      *int64     `json:"batch_id,omitempty"`
	MailedAt     *time.Time `json:"mailed_at,omitempty"`
	ReturnedAt   *time.Time `json:"returned_at,omitempty"`
	BounceID     *int64     `json:"bounce_id,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// LetterBatch is one print file of a campaign's letters with its manifest.
type LetterBatch struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	CampaignID int64      `json:"campaign_id"`
	Seq        int        `json:"seq"`
	Letters    int        `json:"letters"`
	Pages      int        `json:"pages"`
	PDF        []byte     `json:"-"`
	Manifest   []byte     `json:"-"`
	SHA256     string     `gorm:"column:sha256" json:"sha256"`
	CreatedBy  *int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	PrintedAt  *time.Time `json:"printed_at,omitempty"`
	MailedAt   *time.Time `json:"mailed_at,omitempty"`
}

// Bounce is a delivery status notification as it arrived, and what was
// done with it.
type Bounce struct {
	ID             int64     `gorm:"primaryKey" json:"id"`
	ReceivedAt     time.Time `json:"received_at"`
	OrganizationID *int64    `json:"organization_id,omitempty"`
	CampaignID     *int64    `json:"campaign_id,omitempty"`
	DeliveryID     *int64    `json:"delivery_id,omitempty"`
	Kind           string    `json:"kind"`
	Applied        bool      `json:"applied"`
	MatchedBy      string    `json:"matched_by,omitempty"`
	Recipient      string    `json:"recipient,omitempty"`
	MessageID      string    `json:"message_id,omitempty"`
	Status         string    `json:"status,omitempty"`
	Diagnostic     string    `json:"diagnostic,omitempty"`
	Note           string    `json:"note"`
	Raw            []byte    `json:"-"`
}
