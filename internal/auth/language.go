package auth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/i18n"
)

// SetLanguage records the caller's choice of language for pages and
// e-mails; "" removes the choice, leaving it to the organization's default
// and the browser. The change is audited.
func (s *Service) SetLanguage(ctx context.Context, p *Principal, requestID, lang string) (User, error) {
	lang = strings.TrimSpace(lang)
	if lang != "" && !i18n.Supported(lang) {
		return User{}, &errs.Invalid{Message: "unknown language",
			Fields: map[string]string{"language": "one of " + strings.Join(i18n.Languages, ", ") + ", or empty"}}
	}
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", p.User.ID).Updates(map[string]any{"language": lang, "updated_at": s.now()})
		if res.Error != nil {
			return fmt.Errorf("set language: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("user %d: %w", p.User.ID, errs.ErrNotFound)
		}
		if err := tx.Take(&u, p.User.ID).Error; err != nil {
			return fmt.Errorf("user: %w", err)
		}
		return Audit(ctx, tx, p, requestID, 0, "user.language", "user", strconv.FormatInt(u.ID, 10), map[string]string{"language": lang})
	})
	if err != nil {
		return User{}, err
	}
	p.User.Language = u.Language
	return u, nil
}

// mailLanguage is the language to write to an address in: its account's
// choice when it has one, else the organization's default.
func (s *Service) mailLanguage(ctx context.Context, email string, o Organization) string {
	var u User
	if err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error; err == nil && u.Language != "" {
		return u.Language
	}
	return i18n.Pick(o.DefaultLanguage)
}
