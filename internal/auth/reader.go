package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// Reader reads organizations and members inside a caller's transaction. It
// holds no state, so packages the auth service calls back through its change
// seam (the obligations) can be given one before the service exists. Every
// other package reads the auth tables only through these methods.
type Reader struct{}

// OrganizationByID returns one organization, unchecked.
func (Reader) OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (Organization, error) {
	var o Organization
	if err := tx.WithContext(ctx).Take(&o, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Organization{}, fmt.Errorf("organization %d: %w", id, errs.ErrNotFound)
		}
		return Organization{}, fmt.Errorf("organization %d: %w", id, err)
	}
	return o, nil
}

// OrganizationsByIDs returns the organizations with these ids, unchecked.
func (Reader) OrganizationsByIDs(ctx context.Context, tx *gorm.DB, ids []int64) (map[int64]Organization, error) {
	out := make(map[int64]Organization, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []Organization
	if err := tx.WithContext(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("organizations: %w", err)
	}
	for _, o := range list {
		out[o.ID] = o
	}
	return out, nil
}

// Contact is a member of an organization who can be written to.
type Contact struct {
	OrganizationID int64
	Role           Role
	UserID         int64
	Email          string
	Name           string
	// Language is the member's own choice of language and OrgLanguage the
	// organization's default; either may be empty (i18n.Pick decides).
	Language    string
	OrgLanguage string
}

// Contacts lists the enabled members of the organizations who hold one of
// the roles, by organization then user.
func (Reader) Contacts(ctx context.Context, tx *gorm.DB, orgIDs []int64, roles []Role) ([]Contact, error) {
	if len(orgIDs) == 0 || len(roles) == 0 {
		return nil, nil
	}
	var out []Contact
	err := tx.WithContext(ctx).Table("memberships m").
		Select("m.organization_id, m.role, u.id AS user_id, u.email, u.name, u.language, o.default_language AS org_language").
		Joins("JOIN users u ON u.id = m.user_id").Joins("JOIN organizations o ON o.id = m.organization_id").
		Where("m.organization_id IN ? AND m.role IN ? AND u.disabled_at IS NULL AND u.email <> ''", orgIDs, roles).
		Order("m.organization_id, u.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("organization contacts: %w", err)
	}
	return out, nil
}

// UserByCalendarHash finds the enabled user whose calendar feed token has
// this SHA-256 (hex); not found when none has.
func (Reader) UserByCalendarHash(ctx context.Context, tx *gorm.DB, hash string) (User, error) {
	var u User
	err := tx.WithContext(ctx).Where("calendar_token_hash = ? AND calendar_token_hash <> '' AND disabled_at IS NULL", hash).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, errs.ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("calendar feed user: %w", err)
	}
	return u, nil
}

// SetCalendarHash stores (or, with "", clears) the SHA-256 of a user's
// calendar feed token.
func (s *Service) SetCalendarHash(ctx context.Context, tx *gorm.DB, userID int64, hash string) error {
	res := tx.WithContext(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"calendar_token_hash": hash, "updated_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("calendar token: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("user %d: %w", userID, errs.ErrNotFound)
	}
	return nil
}

// PurgeSessions deletes what has ended before now: sessions past their
// absolute or idle timeout, pending second steps, sign-in counts no longer
// held against anyone, and account links expired or used a week ago. It
// returns how many sessions it deleted.
func (s *Service) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	now = now.UTC()
	db := s.db.WithContext(ctx)
	res := db.Where("expires_at < ? OR last_seen_at < ?", now, now.Add(-s.opts.SessionIdle)).Delete(&Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge sessions: %w", res.Error)
	}
	if err := db.Where("expires_at < ?", now).Delete(&signinChallenge{}).Error; err != nil {
		return res.RowsAffected, fmt.Errorf("purge sign-in challenges: %w", err)
	}
	if err := db.Where("last_attempt_at < ? AND (blocked_until IS NULL OR blocked_until < ?)", now.Add(-s.opts.Throttle.Forget), now).
		Delete(&throttleRow{}).Error; err != nil {
		return res.RowsAffected, fmt.Errorf("purge sign-in counts: %w", err)
	}
	week := now.Add(-7 * 24 * time.Hour)
	if err := db.Where("expires_at < ? OR used_at < ?", week, week).Delete(&accountLink{}).Error; err != nil {
		return res.RowsAffected, fmt.Errorf("purge account links: %w", err)
	}
	return res.RowsAffected, nil
}
