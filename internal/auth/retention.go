package auth

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// The bounds and default of an organization's contact data retention, in
// days after a breach is closed and its notices are over.
const (
	MinContactRetentionDays     = 30
	MaxContactRetentionDays     = 3650
	DefaultContactRetentionDays = 365
)

func (in OrgInput) applyRetention(o *Organization, f errs.Fields) {
	if o.ContactRetentionDays == 0 {
		o.ContactRetentionDays = DefaultContactRetentionDays
	}
	if in.ContactRetentionDays != nil {
		o.ContactRetentionDays = *in.ContactRetentionDays
		if o.ContactRetentionDays < MinContactRetentionDays || o.ContactRetentionDays > MaxContactRetentionDays {
			f.Add("contact_retention_days", fmt.Sprintf("%d to %d days", MinContactRetentionDays, MaxContactRetentionDays))
		}
	}
	if in.RetentionHold != nil {
		o.RetentionHold = *in.RetentionHold
	}
}

// AllOrganizations returns every organization, by id (the retention purge
// and other installation-wide work).
func (Reader) AllOrganizations(ctx context.Context, tx *gorm.DB) ([]Organization, error) {
	var out []Organization
	if err := tx.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("organizations: %w", err)
	}
	return out, nil
}
