package roster

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"
)

// countKey is one roster_counts row of a breach.
type countKey struct{ dim, value string }

// tally sums people per region, language and channel (duplicates left out),
// the minors and the rows awaiting review, in the order first seen.
type tally struct {
	sums  map[countKey]int64
	order []countKey
}

func newTally() *tally {
	return &tally{sums: map[countKey]int64{{"minor", ""}: 0}}
}

func (t *tally) bump(k countKey, n int64) {
	if _, ok := t.sums[k]; !ok {
		t.order = append(t.order, k)
	}
	t.sums[k] += n
}

// add files n people who share these values; counted is false for rows
// flagged as duplicates, which only the review count includes.
func (t *tally) add(region, language, channel, review string, minor, counted bool, n int64) {
	if review != "" {
		t.bump(countKey{"review", review}, n)
	}
	if !counted {
		return
	}
	t.bump(countKey{"region", region}, n)
	t.bump(countKey{"language", language}, n)
	t.bump(countKey{"channel", channel}, n)
	if minor {
		t.sums[countKey{"minor", ""}] += n
	}
}

// awaiting files n rows of an import that await review, so that the
// review queue needs no scan of the roster to say how many there are.
func (t *tally) awaiting(review string, importID, n int64) {
	if review == ReviewDuplicate && importID != 0 {
		t.bump(countKey{dimAwaitingImport, strconv.FormatInt(importID, 10)}, n)
	}
}

// dimAwaitingImport is the roster_counts dimension of the rows awaiting
// review per import (value: the import's id).
const dimAwaitingImport = "awaiting_import"

// RefreshCounts recomputes the breach's stored counts after people were
// written by other means than an import (the demo loader, a correction).
func RefreshCounts(ctx context.Context, tx *gorm.DB, breachID int64) error {
	return refreshCounts(ctx, tx, breachID)
}

// refreshCounts recomputes the breach's counts into roster_counts from one
// grouped scan of the breach's rows.
func refreshCounts(ctx context.Context, tx *gorm.DB, breachID int64) error {
	tx = tx.WithContext(ctx)
	rows, err := tx.Raw(`SELECT region, language, channel, review, minor, counted, import_id, COUNT(*) FROM (
		SELECT region, language, channel, review, minor, (duplicate_of IS NULL OR review = ?) AS counted,
			CASE WHEN review = ? THEN COALESCE(import_id, 0) ELSE 0 END AS import_id
		FROM affected_people WHERE breach_id = ?) p
		GROUP BY region, language, channel, review, minor, counted, import_id`, ReviewDistinct, ReviewDuplicate, breachID).Rows()
	if err != nil {
		return fmt.Errorf("refresh counts: %w", err)
	}
	defer rows.Close()
	t := newTally()
	for rows.Next() {
		var region, language, channel, review string
		var minor, counted bool
		var importID, n int64
		if err := rows.Scan(&region, &language, &channel, &review, &minor, &counted, &importID, &n); err != nil {
			return fmt.Errorf("refresh counts: %w", err)
		}
		t.add(region, language, channel, review, minor, counted, n)
		t.awaiting(review, importID, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("refresh counts: %w", err)
	}
	return t.store(ctx, tx, breachID)
}

// store replaces the breach's roster_counts with the tally.
func (t *tally) store(ctx context.Context, tx *gorm.DB, breachID int64) error {
	tx = tx.WithContext(ctx)
	if err := tx.Exec("DELETE FROM roster_counts WHERE breach_id = ?", breachID).Error; err != nil {
		return fmt.Errorf("store counts: %w", err)
	}
	order := append(append([]countKey{}, t.order...), countKey{"minor", ""})
	const per = 500
	for len(order) > 0 {
		chunk := order[:min(per, len(order))]
		order = order[len(chunk):]
		vals := make([]any, 0, 4*len(chunk))
		for _, k := range chunk {
			vals = append(vals, breachID, k.dim, k.value, t.sums[k])
		}
		q := insertSQL("roster_counts", []string{"breach_id", "dimension", "value", "count"}, len(chunk))
		if err := tx.Exec(q, vals...).Error; err != nil {
			return fmt.Errorf("store counts: %w", err)
		}
	}
	return nil
}
