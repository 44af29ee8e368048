package roster

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// CountReader reads the roster's stored counts inside a caller's transaction.
// It holds no state, so packages the roster calls back through its change
// seam (the obligations) can be given one before the roster service
// exists. Other packages read the roster tables only through it.
type CountReader struct{}

// Counts returns a breach's counts as of the last committed import.
func (CountReader) Counts(ctx context.Context, tx *gorm.DB, breachID int64) (Totals, error) {
	return Counts(ctx, tx, breachID)
}

// RegionCounts returns a breach's affected people per region code, as of
// the last committed import; people with no known region are left out.
// Rows flagged as duplicates of another person are not counted.
func (CountReader) RegionCounts(ctx context.Context, tx *gorm.DB, breachID int64) (map[string]int64, error) {
	var rows []struct {
		Value string
		Count int64
	}
	err := tx.WithContext(ctx).Raw(`SELECT value, count FROM roster_counts
		WHERE breach_id = ? AND dimension = 'region' AND count > 0 AND value <> ''`, breachID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("roster counts of breach %d: %w", breachID, err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Value] += r.Count
	}
	return out, nil
}

// PeopleByBreach returns how many affected people each of the breaches has
// (duplicates left out), from the stored counts; breaches without a roster
// are absent.
func (CountReader) PeopleByBreach(ctx context.Context, tx *gorm.DB, breachIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(breachIDs))
	if len(breachIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		BreachID int64
		N        int64
	}
	err := tx.WithContext(ctx).Raw(`SELECT breach_id, SUM(count) AS n FROM roster_counts
		WHERE breach_id IN ? AND dimension = 'region' GROUP BY breach_id`, breachIDs).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("roster counts: %w", err)
	}
	for _, r := range rows {
		out[r.BreachID] = r.N
	}
	return out, nil
}
