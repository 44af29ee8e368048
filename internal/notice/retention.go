package notice

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Retention tells whether a breach's notice campaigns are over and removes
// what the notice records keep of people's contact data (internal/retention
// decides when). It holds no state.
type Retention struct{}

// CampaignsState is where a breach's campaigns stand.
type CampaignsState struct {
	// Open counts the campaigns not yet completed or cancelled.
	Open int64 `json:"open"`
	// LastClosed is when the last campaign completed or was cancelled
	// (nil without campaigns).
	LastClosed *time.Time `json:"last_closed,omitempty"`
}

// Campaigns returns where the breach's campaigns stand.
func (Retention) Campaigns(ctx context.Context, tx *gorm.DB, breachID int64) (CampaignsState, error) {
	var list []Campaign
	if err := tx.WithContext(ctx).Select("id", "status", "completed_at", "updated_at").Where("breach_id = ?", breachID).Find(&list).Error; err != nil {
		return CampaignsState{}, fmt.Errorf("campaigns of breach %d: %w", breachID, err)
	}
	var st CampaignsState
	for _, c := range list {
		if c.Status != CampaignCompleted && c.Status != CampaignCancelled {
			st.Open++
			continue
		}
		at := c.UpdatedAt
		if c.CompletedAt != nil {
			at = *c.CompletedAt
		}
		if st.LastClosed == nil || at.After(*st.LastClosed) {
			at := at.UTC()
			st.LastClosed = &at
		}
	}
	return st, nil
}

// NoticePurge is what a purge of a breach's notice records removed, or
// would.
type NoticePurge struct {
	// LetterFiles are print files whose letters (names and addresses) go;
	// their counts, hashes and dates stay.
	LetterFiles int64 `json:"letter_files"`
	// Bounces are reports whose recipient and message go; their kind and
	// outcome stay.
	Bounces int64 `json:"bounces"`
	// Replies are deliveries whose server reply, which may quote the
	// address, goes; their status and dates stay.
	Replies int64 `json:"replies"`
}

// PurgeContacts removes, in tx, the contact data the notice records of a
// breach's campaigns keep; with dryRun it only counts. Each delivery stays:
// whether, how and when each person was told.
func (Retention) PurgeContacts(ctx context.Context, tx *gorm.DB, breachID int64, dryRun bool) (NoticePurge, error) {
	tx = tx.WithContext(ctx)
	var out NoticePurge
	steps := []struct {
		n     *int64
		model any
		where string
		set   map[string]any
	}{
		{&out.LetterFiles, &LetterBatch{}, "length(manifest) > 0 OR length(pdf) > 0", map[string]any{"pdf": []byte{}, "manifest": []byte{}}},
		{&out.Bounces, &Bounce{}, "recipient <> '' OR length(raw) > 0 OR diagnostic <> ''", map[string]any{"recipient": "", "raw": []byte{}, "diagnostic": ""}},
		{&out.Replies, &Delivery{}, "smtp_reply <> '' OR email_failure <> ''", map[string]any{"smtp_reply": "", "email_failure": ""}},
	}
	for _, s := range steps {
		q := func() *gorm.DB {
			campaigns := tx.Model(&Campaign{}).Select("id").Where("breach_id = ?", breachID)
			return tx.Model(s.model).Where("campaign_id IN (?)", campaigns).Where(s.where)
		}
		if err := q().Count(s.n).Error; err != nil {
			return out, fmt.Errorf("notice records to purge: %w", err)
		}
		if dryRun || *s.n == 0 {
			continue
		}
		if err := q().Updates(s.set).Error; err != nil {
			return out, fmt.Errorf("purge notice records: %w", err)
		}
	}
	return out, nil
}
