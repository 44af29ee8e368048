package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// MemberAccount is a member as the administration page lists it: the
// member, whether their account is disabled, and whether the caller may
// disable it (the caller administers every organization the member is in).
type MemberAccount struct {
	MemberView
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	CanDisable bool       `json:"can_disable"`
}

// MemberAccounts lists an organization's members for its administrators,
// with each account's state; admins only.
func (s *Service) MemberAccounts(ctx context.Context, p *Principal, orgID int64) ([]MemberAccount, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return nil, err
	}
	list, err := s.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]MemberAccount, len(list))
	for i, m := range list {
		out[i].MemberView = m
		var u User
		if err := s.db.WithContext(ctx).Select("id", "disabled_at").Take(&u, m.UserID).Error; err != nil {
			return nil, fmt.Errorf("user %d: %w", m.UserID, err)
		}
		out[i].DisabledAt = u.DisabledAt
		if out[i].CanDisable, err = s.administersAllOf(ctx, s.db, p, m.UserID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// administersAllOf reports whether the caller administers every
// organization the user belongs to (and is not the user).
func (s *Service) administersAllOf(ctx context.Context, tx *gorm.DB, p *Principal, userID int64) (bool, error) {
	if userID == p.User.ID {
		return false, nil
	}
	var orgs []int64
	if err := tx.WithContext(ctx).Model(&Membership{}).Where("user_id = ?", userID).Pluck("organization_id", &orgs).Error; err != nil {
		return false, fmt.Errorf("memberships: %w", err)
	}
	for _, id := range orgs {
		if p.Require(id, Administer) != nil {
			return false, nil
		}
	}
	return true, nil
}

// SetMemberRole changes a current member's role; admins only. The last
// admin of an organization keeps their role: an organization nobody can
// administer is stuck.
func (s *Service) SetMemberRole(ctx context.Context, p *Principal, requestID string, orgID, userID int64, role Role) error {
	if err := p.Require(orgID, Administer); err != nil {
		return err
	}
	if !role.Valid() {
		return &errs.Invalid{Message: "unknown role", Fields: map[string]string{"role": "one of admin, privacy_officer, legal, viewer"}}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Membership
		err := tx.Where("user_id = ? AND organization_id = ?", userID, orgID).Take(&m).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("member %d: %w", userID, errs.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if m.Role == role {
			return nil
		}
		if m.Role == RoleAdmin {
			var admins int64
			if err := tx.Model(&Membership{}).Where("organization_id = ? AND role = ? AND user_id <> ?", orgID, RoleAdmin, userID).Count(&admins).Error; err != nil {
				return err
			}
			if admins == 0 {
				return &errs.Conflict{Message: "the organization's last admin keeps their role"}
			}
		}
		if err := tx.Model(&Membership{}).Where("user_id = ? AND organization_id = ?", userID, orgID).Update("role", role).Error; err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		return Audit(ctx, tx, p, requestID, orgID, "member.role", "user", strconv.FormatInt(userID, 10),
			map[string]string{"from": string(m.Role), "to": string(role)})
	})
}

// AccountChange reports what disabling an account ended.
type AccountChange struct {
	SessionsEnded int64 `json:"sessions_ended"`
	TokensRevoked int64 `json:"tokens_revoked"`
}

// DisableMember disables a member's account (they cannot sign in; every
// session of theirs ends and every token is revoked) or enables it again.
// The caller must administer every organization the member belongs to, so
// that no administrator can lock out another organization's people, and
// may not disable themselves. A user who is not a member of orgID is not
// found.
func (s *Service) DisableMember(ctx context.Context, p *Principal, requestID string, orgID, userID int64, disabled bool) (AccountChange, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return AccountChange{}, err
	}
	var out AccountChange
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Membership{}).Where("user_id = ? AND organization_id = ?", userID, orgID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("member %d: %w", userID, errs.ErrNotFound)
		}
		ok, err := s.administersAllOf(ctx, tx, p, userID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("disable user %d: %w", userID, errs.ErrForbidden)
		}
		if out, err = s.setDisabled(tx, userID, disabled); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return Audit(ctx, tx, p, requestID, orgID, action, "user", strconv.FormatInt(userID, 10), out)
	})
	return out, err
}

// setDisabled sets or clears disabled_at; disabling ends every session and
// revokes every token of the user.
func (s *Service) setDisabled(tx *gorm.DB, userID int64, disabled bool) (AccountChange, error) {
	var at *time.Time
	if disabled {
		now := s.now()
		at = &now
	}
	if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"disabled_at": at, "updated_at": s.now()}).Error; err != nil {
		return AccountChange{}, fmt.Errorf("disable user: %w", err)
	}
	if !disabled {
		return AccountChange{}, nil
	}
	sessions, tokens, err := s.endOtherAccess(tx, userID, "")
	return AccountChange{SessionsEnded: sessions, TokensRevoked: tokens}, err
}
