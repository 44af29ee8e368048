package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// MemberInput adds a user (created if new) to an organization with a role.
type MemberInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password"`
}

// AddMember adds or re-roles a member; only an organization's admins may.
func (s *Service) AddMember(ctx context.Context, p *Principal, requestID string, orgID int64, in MemberInput) (MemberView, error) {
	if err := p.Require(orgID, Administer); err != nil {
		return MemberView{}, err
	}
	f := errs.Fields{}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "not a valid e-mail address")
	}
	if !in.Role.Valid() {
		f.Add("role", "one of admin, privacy_officer, legal, viewer")
	}
	if err := f.Err(); err != nil {
		return MemberView{}, err
	}
	var view MemberView
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Where("email = ?", email).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			u, err = s.CreateUser(ctx, tx, email, in.Name, in.Password)
		}
		if err != nil {
			return err
		}
		if err := s.SetMembership(ctx, tx, u.ID, orgID, in.Role); err != nil {
			return err
		}
		view = MemberView{UserID: u.ID, Email: u.Email, Name: u.Name, Role: in.Role}
		return Audit(ctx, tx, p, requestID, orgID, "member.set", "user", strconv.FormatInt(u.ID, 10), map[string]string{"email": email, "role": string(in.Role)})
	})
	return view, err
}

// RemoveMember takes a user out of an organization; admins only.
func (s *Service) RemoveMember(ctx context.Context, p *Principal, requestID string, orgID, userID int64) error {
	if err := p.Require(orgID, Administer); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.RemoveMembership(ctx, tx, userID, orgID); err != nil {
			return err
		}
		return Audit(ctx, tx, p, requestID, orgID, "member.remove", "user", strconv.FormatInt(userID, 10), nil)
	})
}

// SlugFrom derives a slug candidate from a name.
func SlugFrom(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}
