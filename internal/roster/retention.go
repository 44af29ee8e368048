package roster

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Retention removes affected people's contact data when their
// organization's retention period is over (internal/retention decides
// when). It holds no state.
type Retention struct{}

// PeoplePurge is what a purge of a breach's roster removed, or would.
type PeoplePurge struct {
	// People is how many people still had contact data.
	People int64 `json:"people"`
	// Rejects is how many rejected rows of its imports still held values.
	Rejects int64 `json:"rejects"`
}

// contactColumns are the columns that reach or identify a person. What
// stays says what happened without saying to whom: region, country,
// language, minor, channel, data categories, the review and the import row.
var contactColumns = []string{"external_id", "name", "given_name", "family_name", "email", "email_original", "email_key",
	"name_key", "phone", "phone_original", "address1", "address2", "city", "postal_code", "postal_original",
	"region_original", "country_original", "language_original", "date_of_birth", "date_of_birth_original",
	"guardian_name", "guardian_contact", "guardian_email", "guardian_phone"}

// PurgeContacts blanks the contact data of a breach's people (and the
// values kept with its imports' rejected rows) in tx, marking each person
// with now; with dryRun it only counts. The counts by region, language and
// channel are untouched.
func (Retention) PurgeContacts(ctx context.Context, tx *gorm.DB, breachID int64, now time.Time, dryRun bool) (PeoplePurge, error) {
	tx = tx.WithContext(ctx)
	var out PeoplePurge
	if err := tx.Model(&StoredPerson{}).Where("breach_id = ? AND contact_purged_at IS NULL", breachID).Count(&out.People).Error; err != nil {
		return out, fmt.Errorf("people to purge: %w", err)
	}
	rejects := tx.Table("import_rejects").Where("value <> '' AND import_id IN (?)", tx.Model(&Import{}).Select("id").Where("breach_id = ?", breachID))
	if err := rejects.Count(&out.Rejects).Error; err != nil {
		return out, fmt.Errorf("rejects to purge: %w", err)
	}
	if dryRun {
		return out, nil
	}
	set := map[string]any{"contact_purged_at": now.UTC(), "attributes": "{}"}
	for _, c := range contactColumns {
		set[c] = ""
	}
	if err := tx.Model(&StoredPerson{}).Where("breach_id = ? AND contact_purged_at IS NULL", breachID).Updates(set).Error; err != nil {
		return out, fmt.Errorf("purge people: %w", err)
	}
	err := tx.Exec("UPDATE import_rejects SET value = '' WHERE value <> '' AND import_id IN (SELECT id FROM imports WHERE breach_id = ?)", breachID).Error
	if err != nil {
		return out, fmt.Errorf("purge rejects: %w", err)
	}
	return out, nil
}
