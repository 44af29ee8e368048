package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
	"github.com/breachline/breachline/internal/mail"
)

// Invitation asks the person behind an e-mail address to join an
// organization with a role. Administrators never choose another person's
// password and never learn whether the address already has an account: the
// person accepts from the link sent to the address, setting their own
// password when they have no account, or signing in when they have one.
type Invitation struct {
	ID             int64      `gorm:"primaryKey" json:"id"`
	OrganizationID int64      `json:"organization_id"`
	Email          string     `json:"email"`
	Role           Role       `json:"role"`
	TokenHash      string     `json:"-"`
	InvitedBy      *int64     `json:"invited_by,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	ExpiresAt      time.Time  `json:"expires_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	SendError      string     `json:"send_error,omitempty"`
	AcceptedAt     *time.Time `json:"accepted_at,omitempty"`
	AcceptedBy     *int64     `json:"-"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
}

// InvitationTTL is how long an invitation link can be used.
const InvitationTTL = 7 * 24 * time.Hour

// MemberInput names a person to add to an organization and their role.
// There is no password: the person sets their own when they accept.
type MemberInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
}

// MemberResult is what adding a member did: changed the role of someone
// already in the organization (Member), or invited the address (Invitation).
type MemberResult struct {
	Member     *MemberView `json:"member,omitempty"`
	Invitation *Invitation `json:"invitation,omitempty"`
}

// AddMember changes the role of a current member of the organization, or
// else invites the address. The answer for an address that has an account
// elsewhere is the same as for one that has none. Admins only.
func (s *Service) AddMember(ctx context.Context, p *Principal, requestID string, orgID int64, in MemberInput) (MemberResult, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return MemberResult{}, err
	}
	email, err := NormalizeEmail(in.Email)
	f := errs.Fields{}
	if err != nil {
		f.Add("email", "not a valid e-mail address")
	}
	if !in.Role.Valid() {
		f.Add("role", "one of admin, privacy_officer, legal, viewer")
	}
	if err := f.Err(); err != nil {
		return MemberResult{}, err
	}
	var res MemberResult
	var token string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m MemberView
		err := tx.Table("memberships m").Select("u.id AS user_id, u.email, u.name, m.role, m.created_at").
			Joins("JOIN users u ON u.id = m.user_id").Where("m.organization_id = ? AND u.email = ?", orgID, email).Take(&m).Error
		switch {
		case err == nil:
			if err := s.SetMembership(ctx, tx, m.UserID, orgID, in.Role); err != nil {
				return err
			}
			m.Role = in.Role
			res.Member = &m
			return Audit(ctx, tx, p, requestID, orgID, "member.set", "user", strconv.FormatInt(m.UserID, 10), map[string]string{"email": email, "role": string(in.Role)})
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("membership: %w", err)
		}
		inv, plain, err := s.invite(ctx, tx, p, orgID, email, in.Role)
		if err != nil {
			return err
		}
		res.Invitation, token = &inv, plain
		return Audit(ctx, tx, p, requestID, orgID, "invitation.create", "invitation", strconv.FormatInt(inv.ID, 10), map[string]string{"email": email, "role": string(in.Role)})
	})
	if err != nil || res.Invitation == nil {
		return res, err
	}
	s.sendInvitation(ctx, res.Invitation, token)
	return res, nil
}

// invite replaces any open invitation of the address to the organization
// with a new one and returns it with its link token.
func (s *Service) invite(ctx context.Context, tx *gorm.DB, p *Principal, orgID int64, email string, role Role) (Invitation, string, error) {
	now := s.now()
	if err := tx.Model(&Invitation{}).Where("organization_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL", orgID, email).
		Update("revoked_at", now).Error; err != nil {
		return Invitation{}, "", fmt.Errorf("replace invitation: %w", err)
	}
	plain := randomToken(32)
	inv := Invitation{OrganizationID: orgID, Email: email, Role: role, TokenHash: sha(plain), CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	if p != nil && p.User.ID != 0 {
		id := p.User.ID
		inv.InvitedBy = &id
	}
	if err := tx.Create(&inv).Error; err != nil {
		return Invitation{}, "", fmt.Errorf("create invitation: %w", err)
	}
	return inv, plain, nil
}

// sendInvitation e-mails the link and records the outcome on the
// invitation; a failure is shown to the administrators, who may resend.
func (s *Service) sendInvitation(ctx context.Context, inv *Invitation, token string) {
	o, err := s.OrganizationByID(ctx, s.db, inv.OrganizationID)
	if err != nil {
		inv.SendError = "organization not found"
	} else {
		lang := s.mailLanguage(ctx, inv.Email, o)
		r := s.mail.Send(ctx, []*mail.Message{invitationMessage(i18n.For(lang), o, *inv, s.InvitationLink(token))})[0]
		if r.Err != nil {
			inv.SendError = "the mail server did not accept the message (" + r.Class.String() + ")"
		} else {
			now := s.now()
			inv.SentAt = &now
		}
	}
	s.db.WithContext(ctx).Model(&Invitation{}).Where("id = ?", inv.ID).
		Updates(map[string]any{"sent_at": inv.SentAt, "send_error": inv.SendError})
}

// InvitationLink is the page where an invitation is accepted.
func (s *Service) InvitationLink(token string) string {
	return strings.TrimRight(s.baseURL, "/") + "/invitations/" + url.PathEscape(token)
}

// invitationMessage writes the invitation in the language of l.
func invitationMessage(l *i18n.Locale, o Organization, inv Invitation, link string) *mail.Message {
	subject := l.T("invite.subject", "Org", o.Name)
	text := l.T("invite.body", "Org", o.Name, "Role", l.Term("role", string(inv.Role)),
		"Expires", l.UTC(inv.ExpiresAt), "Link", link)
	return &mail.Message{To: inv.Email, Subject: subject, Text: text}
}

// RoleLabel names a role in words.
func RoleLabel(r Role) string {
	switch r {
	case RoleAdmin:
		return "administrator"
	case RolePrivacyOfficer:
		return "privacy officer"
	case RoleLegal:
		return "legal reviewer"
	}
	return "viewer"
}

// Invitations lists an organization's open invitations; admins only.
func (s *Service) Invitations(ctx context.Context, p *Principal, orgID int64) ([]Invitation, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return nil, err
	}
	var out []Invitation
	err := s.db.WithContext(ctx).Where("organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", orgID, s.now()).
		Order("id").Find(&out).Error
	return out, err
}

// RevokeInvitation withdraws an open invitation; admins only.
func (s *Service) RevokeInvitation(ctx context.Context, p *Principal, requestID string, orgID, id int64) error {
	if err := p.Require(orgID, Administer); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Invitation{}).Where("id = ? AND organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id, orgID).
			Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("invitation %d: %w", id, errs.ErrNotFound)
		}
		return Audit(ctx, tx, p, requestID, orgID, "invitation.revoke", "invitation", strconv.FormatInt(id, 10), nil)
	})
}

// ResendInvitation replaces an open invitation with a new link and sends it
// again (the old link stops working); admins only.
func (s *Service) ResendInvitation(ctx context.Context, p *Principal, requestID string, orgID, id int64) (Invitation, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	var token string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old Invitation
		err := tx.Where("id = ? AND organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id, orgID).Take(&old).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("invitation %d: %w", id, errs.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if inv, token, err = s.invite(ctx, tx, p, orgID, old.Email, old.Role); err != nil {
			return err
		}
		return Audit(ctx, tx, p, requestID, orgID, "invitation.resend", "invitation", strconv.FormatInt(inv.ID, 10),
			map[string]any{"replaces": old.ID, "email": old.Email, "role": old.Role})
	})
	if err != nil {
		return Invitation{}, err
	}
	s.sendInvitation(ctx, &inv, token)
	return inv, nil
}

// InvitationView is what the acceptance page shows to whoever holds the link.
type InvitationView struct {
	Organization string
	Email        string
	Role         Role
	ExpiresAt    time.Time
	// HasAccount: the address already has an account, so the person signs
	// in to accept instead of choosing a password.
	HasAccount bool
}

// errBadInvitation is the one answer for a link that is unknown, expired,
// withdrawn or used: the page cannot tell which.
var errBadInvitation = fmt.Errorf("invitation: %w", errs.ErrNotFound)

// openInvitation finds the usable invitation for a link token.
func (s *Service) openInvitation(ctx context.Context, tx *gorm.DB, token string) (Invitation, error) {
	var inv Invitation
	err := tx.WithContext(ctx).Where("token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", sha(token), s.now()).Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Invitation{}, errBadInvitation
	}
	return inv, err
}

// Invitation describes the invitation a link token opens.
func (s *Service) Invitation(ctx context.Context, token string) (InvitationView, error) {
	inv, err := s.openInvitation(ctx, s.db, token)
	if err != nil {
		return InvitationView{}, err
	}
	o, err := s.OrganizationByID(ctx, s.db, inv.OrganizationID)
	if err != nil {
		return InvitationView{}, err
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&User{}).Where("email = ?", inv.Email).Count(&n).Error; err != nil {
		return InvitationView{}, err
	}
	return InvitationView{Organization: o.Name, Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt, HasAccount: n > 0}, nil
}

// AcceptInput is what a new account gives when accepting.
type AcceptInput struct {
	Name     string
	Password string
}

// ErrSignInToAccept: the invited address has an account, and the caller is
// not signed in as it.
var ErrSignInToAccept = fmt.Errorf("sign in as the invited address to accept: %w", errs.ErrForbidden)

// AcceptInvitation uses an invitation link once. When the address has an
// account, the caller must be signed in as it (by is that principal);
// otherwise the account is created with the name and password given. The
// user who joined is returned.
func (s *Service) AcceptInvitation(ctx context.Context, token string, by *Principal, requestID string, in AcceptInput) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv, err := s.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		err = tx.Where("email = ?", inv.Email).Take(&u).Error
		switch {
		case err == nil:
			if by == nil || by.User.ID != u.ID {
				return ErrSignInToAccept
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			if u, err = s.CreateUser(ctx, tx, inv.Email, in.Name, in.Password); err != nil {
				return err
			}
			if u.PasswordHash == "" {
				return &errs.Invalid{Message: "choose a password", Fields: map[string]string{"password": fmt.Sprintf("at least %d characters", MinPasswordLength)}}
			}
		default:
			return err
		}
		// Single use: the update succeeds for exactly one acceptance.
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", inv.ID).
			Updates(map[string]any{"accepted_at": s.now(), "accepted_by": u.ID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errBadInvitation
		}
		if err := s.SetMembership(ctx, tx, u.ID, inv.OrganizationID, inv.Role); err != nil {
			return err
		}
		actor := &Principal{User: u}
		return Audit(ctx, tx, actor, requestID, inv.OrganizationID, "invitation.accept", "invitation", strconv.FormatInt(inv.ID, 10),
			map[string]any{"user_id": u.ID, "role": inv.Role})
	})
	return u, err
}
