// Package auth holds organizations, users, their roles per organization,
// web sessions and API tokens, and decides who may do what.
package auth

import (
	"time"
)

// Role is a user's role within one organization.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin          Role = "admin"
	RolePrivacyOfficer Role = "privacy_officer"
	RoleLegal          Role = "legal"
	RoleViewer         Role = "viewer"
)

// Roles lists every valid role.
var Roles = []Role{RoleAdmin, RolePrivacyOfficer, RoleLegal, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// Permission is something a role may be allowed to do in an organization.
type Permission int

// The permissions checked by the routes.
const (
	// Read: see the organization's breaches, obligations and documents.
	Read Permission = iota
	// Write: create and change breaches, import rosters, generate filings.
	Write
	// Approve: legal decisions (waive an obligation, approve notice wording).
	Approve
	// Administer: members, tokens of others, organization settings.
	Administer
	// ExportPersonalData: download the roster of affected people.
	ExportPersonalData
)

var grants = map[Role][]Permission{
	RoleAdmin:          {Read, Write, Approve, Administer, ExportPersonalData},
	RolePrivacyOfficer: {Read, Write, ExportPersonalData},
	RoleLegal:          {Read, Approve},
	RoleViewer:         {Read},
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Organization is a body that has breaches: every other record belongs to one.
type Organization struct {
	ID                  int64     `gorm:"primaryKey" json:"id"`
	Slug                string    `json:"slug"`
	Name                string    `json:"name"`
	LegalName           string    `json:"legal_name"`
	Sectors             []string  `gorm:"serializer:json" json:"sectors"`
	Roles               []string  `gorm:"serializer:json" json:"roles"`
	HomeJurisdiction    string    `json:"home_jurisdiction"`
	TimeZone            string    `json:"time_zone"`
	InternalTargetHours int       `json:"internal_target_hours"`
	ContactName         string    `json:"contact_name"`
	ContactEmail        string    `json:"contact_email"`
	ContactPhone        string    `json:"contact_phone"`
	Address             string    `json:"address"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`

	// DefaultLanguage is the language of the pages and e-mails of members
	// who have not chosen one ("" for none: their browser decides).
	DefaultLanguage string `json:"default_language"`

	// ContactRetentionDays is how long affected people's contact data is
	// kept after a breach is closed and its notices are over; RetentionHold
	// stops every removal (internal/retention).
	ContactRetentionDays int  `gorm:"default:365" json:"contact_retention_days"`
	RetentionHold        bool `json:"retention_hold"`
}

// User is a person who signs in or holds API tokens.
type User struct {
	ID                int64      `gorm:"primaryKey" json:"id"`
	Email             string     `json:"email"`
	Name              string     `json:"name"`
	PasswordHash      string     `json:"-"`
	CalendarTokenHash string     `json:"-"`
	DisabledAt        *time.Time `json:"disabled_at,omitempty"`
	// TOTPSecret is the encrypted TOTP secret (empty: none); TOTPEnabledAt
	// is set once the user confirmed a code from it.
	TOTPSecret    string     `gorm:"column:totp_secret" json:"-"`
	TOTPEnabledAt *time.Time `gorm:"column:totp_enabled_at" json:"totp_enabled_at,omitempty"`
	TOTPLastStep  int64      `gorm:"column:totp_last_step" json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`

	// Language is the user's choice of language for pages and e-mails ("" for
	// none: the organization's default, then the browser, decide).
	Language string `json:"language"`
}

// Membership gives a user a role in an organization.
type Membership struct {
	UserID         int64     `gorm:"primaryKey" json:"user_id"`
	OrganizationID int64     `gorm:"primaryKey" json:"organization_id"`
	Role           Role      `json:"role"`
	CreatedAt      time.Time `json:"created_at"`
}

// Token is an API bearer token; only its SHA-256 is stored.
type Token struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Scope      Scope      `json:"scope"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	// ParentID is the token this one was created with; it never outlives it.
	ParentID *int64 `json:"parent_id,omitempty"`
	// SessionHash is the session the token was created in (directly, or
	// through a token created in it); empty when made on the command line.
	SessionHash string `json:"-"`
}

// TableName is the token table.
func (Token) TableName() string { return "api_tokens" }

// Session is a signed-in browser; only the SHA-256 of its cookie is stored.
// It ends at ExpiresAt (the absolute timeout) or after the idle timeout
// without a request (LastSeenAt).
type Session struct {
	Hash       string `gorm:"primaryKey"`
	UserID     int64
	CSRF       string `gorm:"column:csrf"`
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt *time.Time
}
