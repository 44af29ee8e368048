package auth

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

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
