package roster

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// UnknownValue is the key under which Totals file people whose region or
// language is not known.
const UnknownValue = "unknown"

// Totals are a breach's affected people by region, language and channel.
// Rows flagged as duplicates of another person (awaiting review or
// confirmed) are left out of every count except Duplicates; AwaitingReview
// is the part of them no one has reviewed yet.
type Totals struct {
	BreachID       int64 `json:"breach_id"`
	People         int64 `json:"people"`
	Minors         int64 `json:"minors"`
	Duplicates     int64 `json:"duplicates"`
	AwaitingReview int64 `json:"awaiting_review"`
	// AwaitingByImport splits AwaitingReview by the import (its id) whose
	// rows they are.
	AwaitingByImport map[string]int64 `json:"awaiting_by_import"`
	Regions          map[string]int64 `json:"regions"`
	Languages        map[string]int64 `json:"languages"`
	Channels         map[string]int64 `json:"channels"`
}

// add files one roster_counts row.
func (c *Totals) add(dimension, value string, n int64) {
	if value == "" {
		value = UnknownValue
	}
	switch dimension {
	case "region":
		c.Regions[value] += n
		c.People += n
	case "language":
		c.Languages[value] += n
	case "channel":
		c.Channels[value] += n
	case "minor":
		c.Minors += n
	case dimAwaitingImport:
		c.AwaitingByImport[value] += n
	case "review":
		switch value {
		case ReviewDuplicate:
			c.Duplicates += n
			c.AwaitingReview += n
		case ReviewConfirmed:
			c.Duplicates += n
		}
	}
}

// Counts returns a breach's counts as of the last committed import; a
// breach with no roster has all counts zero. Pass the transaction when
// calling from inside one (on SQLite, always).
func Counts(ctx context.Context, db *gorm.DB, breachID int64) (Totals, error) {
	c := Totals{BreachID: breachID, Regions: map[string]int64{}, Languages: map[string]int64{}, Channels: map[string]int64{},
		AwaitingByImport: map[string]int64{}}
	rows, err := db.WithContext(ctx).Raw("SELECT dimension, value, count FROM roster_counts WHERE breach_id = ?", breachID).Rows()
	if err != nil {
		return c, fmt.Errorf("roster counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dim, val string
		var n int64
		if err := rows.Scan(&dim, &val, &n); err != nil {
			return c, fmt.Errorf("roster counts: %w", err)
		}
		c.add(dim, val, n)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("roster counts: %w", err)
	}
	return c, nil
}
