package document

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
)

// BreachLoader loads a breach with its events and answers, unchecked.
type BreachLoader interface {
	Load(ctx context.Context, tx *gorm.DB, id int64) (breach.Breach, error)
}

// ObligationRef is an obligation of a breach as a document presents it, with
// its row id so that a filing can be linked to it.
type ObligationRef struct {
	ID       int64
	BreachID int64
	report.Obligation
}

// ObligationSource lists the obligations evaluated for breaches.
type ObligationSource interface {
	// ForBreach lists one breach's obligations.
	ForBreach(ctx context.Context, tx *gorm.DB, breachID int64) ([]ObligationRef, error)
	// ForOrganization lists the obligations of every breach of an organization.
	ForOrganization(ctx context.Context, tx *gorm.DB, orgID int64) ([]ObligationRef, error)
}

// Filing is what File tells the obligation that a document answered.
type Filing struct {
	ObligationID int64
	DocumentID   int64
	DocumentRef  string // the document id printed in the PDF
	Stage        string
	FiledAt      time.Time
	Reference    string // the regulator's reference
}

// ObligationFiler marks an obligation filed once its document's filing is
// recorded. It runs after that transaction commits, in its own, because the
// obligation's owner re-evaluates the breach's later stages when one is filed.
type ObligationFiler interface {
	MarkFiled(ctx context.Context, c breach.Call, breachID int64, f Filing) error
}

// DeliverySource counts the notice deliveries of a breach.
type DeliverySource interface {
	DeliveryStats(ctx context.Context, tx *gorm.DB, breachID int64) (report.DeliveryStats, error)
}

// RuleContent gives the content requirements of a catalogue rule, for the
// generic filing. ok is false when the rule is unknown.
type RuleContent interface {
	Requirements(ruleID, version string) (title string, reqs []report.Requirement, ok bool)
}

// RosterStats are the breach's affected people as the roster counts them:
// the counts stored when the last import committed, with rows flagged as
// duplicates of another person left out, so a filing states the same number
// as the roster page and the obligations.
func RosterStats(ctx context.Context, tx *gorm.DB, breachID int64) (report.RosterStats, error) {
	t, err := roster.Counts(ctx, tx, breachID)
	if err != nil {
		return report.RosterStats{}, fmt.Errorf("roster counts: %w", err)
	}
	return report.RosterStats{Total: int(t.People), Minors: int(t.Minors),
		ByRegion: ints(t.Regions), ByLanguage: ints(t.Languages), ByChannel: ints(t.Channels)}, nil
}

func ints(m map[string]int64) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = int(v)
	}
	return out
}

// affectedByBreach counts the roster of every breach of an organization,
// from the same stored counts as RosterStats.
func affectedByBreach(ctx context.Context, tx *gorm.DB, orgID int64) (map[int64]int, error) {
	rows, err := tx.WithContext(ctx).Raw(`SELECT c.breach_id, sum(c.count) FROM roster_counts c
		JOIN breaches b ON b.id = c.breach_id
		WHERE b.organization_id = ? AND c.dimension = 'region' GROUP BY c.breach_id`, orgID).Rows()
	if err != nil {
		return nil, fmt.Errorf("roster counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("roster counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
