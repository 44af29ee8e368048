package roster

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AudienceFilter chooses affected people of a breach. Empty lists place no
// limit. Rows flagged as repeating another person (awaiting review, or
// confirmed as the same person) are never chosen: that person is chosen
// once, by their first row; a row a reviewer declared distinct is.
type AudienceFilter struct {
	Regions   []string
	Languages []string
	Channels  []string
	Imports   []int64
}

// PeopleReader reads affected people for other packages (notices), inside
// their transactions. It holds no state.
type PeopleReader struct{}

func (f AudienceFilter) apply(q *gorm.DB) *gorm.DB {
	q = q.Where("review NOT IN ?", []string{ReviewDuplicate, ReviewConfirmed})
	if len(f.Regions) > 0 {
		q = q.Where("region IN ?", f.Regions)
	}
	if len(f.Languages) > 0 {
		q = q.Where("language IN ?", f.Languages)
	}
	if len(f.Channels) > 0 {
		q = q.Where("channel IN ?", f.Channels)
	}
	if len(f.Imports) > 0 {
		q = q.Where("import_id IN ?", f.Imports)
	}
	return q
}

// Audience returns up to limit people of the breach chosen by f with an id
// above after, in id order (keyset paging: the caller passes the last id it
// got to read on).
func (PeopleReader) Audience(ctx context.Context, tx *gorm.DB, breachID int64, f AudienceFilter, after int64, limit int) ([]StoredPerson, error) {
	var out []StoredPerson
	q := f.apply(tx.WithContext(ctx).Model(&StoredPerson{}).Where("breach_id = ? AND id > ?", breachID, after))
	if err := q.Order("id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("audience of breach %d: %w", breachID, err)
	}
	return out, nil
}

// ImportsOfBreach returns which of ids are imports of the breach, so that
// a campaign's audience can name only its own breach's imports.
func (PeopleReader) ImportsOfBreach(ctx context.Context, tx *gorm.DB, breachID int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	if err := tx.WithContext(ctx).Model(&Import{}).Where("breach_id = ? AND id IN ?", breachID, ids).Pluck("id", &found).Error; err != nil {
		return nil, fmt.Errorf("imports of breach %d: %w", breachID, err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// AudienceSize counts the people f chooses, by region, language and channel.
type AudienceSize struct {
	Total     int64            `json:"total"`
	Regions   map[string]int64 `json:"regions"`
	Languages map[string]int64 `json:"languages"`
	Channels  map[string]int64 `json:"channels"`
}

// CountAudience counts the people of the breach that f chooses.
func (PeopleReader) CountAudience(ctx context.Context, tx *gorm.DB, breachID int64, f AudienceFilter) (AudienceSize, error) {
	out := AudienceSize{Regions: map[string]int64{}, Languages: map[string]int64{}, Channels: map[string]int64{}}
	var rows []struct {
		Region, Language, Channel string
		N                         int64
	}
	q := f.apply(tx.WithContext(ctx).Model(&StoredPerson{}).Where("breach_id = ?", breachID))
	err := q.Select("region, language, channel, COUNT(*) AS n").Group("region, language, channel").Scan(&rows).Error
	if err != nil {
		return out, fmt.Errorf("audience of breach %d: %w", breachID, err)
	}
	for _, r := range rows {
		out.Total += r.N
		out.Regions[orUnknown(r.Region)] += r.N
		out.Languages[orUnknown(r.Language)] += r.N
		out.Channels[orUnknown(r.Channel)] += r.N
	}
	return out, nil
}

func orUnknown(s string) string {
	if s == "" {
		return UnknownValue
	}
	return s
}

// ByIDs returns the people of the breach with these ids, by id.
func (PeopleReader) ByIDs(ctx context.Context, tx *gorm.DB, breachID int64, ids []int64) (map[int64]StoredPerson, error) {
	out := make(map[int64]StoredPerson, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []StoredPerson
	if err := tx.WithContext(ctx).Where("breach_id = ? AND id IN ?", breachID, ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("people of breach %d: %w", breachID, err)
	}
	for _, p := range list {
		out[p.ID] = p
	}
	return out, nil
}

// Recipient is what deciding how to reach a person needs: where they live,
// their language, and which contact details they have.
type Recipient struct {
	ID            int64
	Region        string
	Country       string
	Language      string
	Channel       string
	Email         string
	Minor         bool
	GuardianEmail string
	Address1      string `gorm:"column:address1"`
	PostalCode    string
}

// Recipients is Audience with only what choosing a channel and language
// needs, for expanding a campaign of millions without reading every column.
// The rows are scanned field by field rather than by gorm's reflection,
// which cost more than deriving each person's reference code.
func (PeopleReader) Recipients(ctx context.Context, tx *gorm.DB, breachID int64, f AudienceFilter, after int64, limit int) ([]Recipient, error) {
	q := f.apply(tx.WithContext(ctx).Model(&StoredPerson{}).Where("breach_id = ? AND id > ?", breachID, after))
	rows, err := q.Select("id, region, country, language, channel, email, minor, guardian_email, address1, postal_code").
		Order("id").Limit(limit).Rows()
	if err != nil {
		return nil, fmt.Errorf("audience of breach %d: %w", breachID, err)
	}
	defer rows.Close()
	out := make([]Recipient, 0, min(limit, 10000))
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.ID, &r.Region, &r.Country, &r.Language, &r.Channel, &r.Email, &r.Minor, &r.GuardianEmail,
			&r.Address1, &r.PostalCode); err != nil {
			return nil, fmt.Errorf("audience of breach %d: %w", breachID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audience of breach %d: %w", breachID, err)
	}
	return out, nil
}
