package roster

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// flagDuplicates marks the rows of an import that repeat a person already in
// the breach (an earlier import or an earlier row of the same file): same
// email, or else same folded name and address. The row is kept, flagged for
// review and pointed at the first person with that key, so nothing is lost
// and nothing is counted twice. The grouping is set-based so that a large
// file costs two aggregate passes, not one lookup per row; only duplicate
// rows are rewritten.
func flagDuplicates(ctx context.Context, tx *gorm.DB, breachID, importID int64) (int64, error) {
	var total int64
	for _, key := range []string{"email_key", "name_key"} {
		q := fmt.Sprintf(`UPDATE affected_people SET duplicate_of = d.first_id, review = ?
			FROM (SELECT %[1]s AS k, MIN(id) AS first_id FROM affected_people
			      WHERE breach_id = ? AND %[1]s <> '' GROUP BY %[1]s HAVING COUNT(*) > 1) d
			WHERE affected_people.import_id = ? AND affected_people.duplicate_of IS NULL
			  AND affected_people.%[1]s = d.k AND affected_people.id <> d.first_id`, key)
		r := tx.WithContext(ctx).Exec(q, ReviewDuplicate, breachID, importID)
		if r.Error != nil {
			return 0, fmt.Errorf("flag duplicates by %s: %w", key, r.Error)
		}
		total += r.RowsAffected
	}
	return total, nil
}

// refreshCounts recomputes the breach's people per region, language and
// channel (duplicates left out) into roster_counts.
func refreshCounts(ctx context.Context, tx *gorm.DB, breachID int64) error {
	tx = tx.WithContext(ctx)
	if err := tx.Exec("DELETE FROM roster_counts WHERE breach_id = ?", breachID).Error; err != nil {
		return fmt.Errorf("refresh counts: %w", err)
	}
	q := `INSERT INTO roster_counts (breach_id, dimension, value, count)
		SELECT CAST(? AS BIGINT), 'region', region, COUNT(*) FROM affected_people WHERE breach_id = ? AND duplicate_of IS NULL GROUP BY region
		UNION ALL SELECT CAST(? AS BIGINT), 'language', language, COUNT(*) FROM affected_people WHERE breach_id = ? AND duplicate_of IS NULL GROUP BY language
		UNION ALL SELECT CAST(? AS BIGINT), 'channel', channel, COUNT(*) FROM affected_people WHERE breach_id = ? AND duplicate_of IS NULL GROUP BY channel
		UNION ALL SELECT CAST(? AS BIGINT), 'minor', '', COUNT(*) FROM affected_people WHERE breach_id = ? AND duplicate_of IS NULL AND minor
		UNION ALL SELECT CAST(? AS BIGINT), 'review', review, COUNT(*) FROM affected_people WHERE breach_id = ? AND review <> '' GROUP BY review`
	args := make([]any, 0, 10)
	for range 5 {
		args = append(args, breachID, breachID)
	}
	if err := tx.Exec(q, args...).Error; err != nil {
		return fmt.Errorf("refresh counts: %w", err)
	}
	return nil
}
