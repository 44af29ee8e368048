package document

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/report"
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

// RosterStats counts the affected people imported for a breach, by region,
// language and channel, in one grouped query.
func RosterStats(ctx context.Context, tx *gorm.DB, breachID int64) (report.RosterStats, error) {
	rows, err := tx.WithContext(ctx).Raw(`SELECT region, language, channel, minor, count(*) AS n
		FROM affected_people WHERE breach_id = ? GROUP BY region, language, channel, minor`, breachID).Rows()
	if err != nil {
		return report.RosterStats{}, fmt.Errorf("roster counts: %w", err)
	}
	defer rows.Close()
	st := report.RosterStats{ByRegion: map[string]int{}, ByLanguage: map[string]int{}, ByChannel: map[string]int{}}
	for rows.Next() {
		var region, lang, channel string
		var minor bool
		var n int
		if err := rows.Scan(&region, &lang, &channel, &minor, &n); err != nil {
			return report.RosterStats{}, fmt.Errorf("roster counts: %w", err)
		}
		st.Total += n
		addCount(st.ByRegion, region, n)
		addCount(st.ByLanguage, lang, n)
		addCount(st.ByChannel, channel, n)
		if minor {
			st.Minors += n
		}
	}
	return st, rows.Err()
}

func addCount(m map[string]int, key string, n int) {
	if key != "" {
		m[key] += n
	}
}

// affectedByBreach counts the roster of every breach of an organization.
func affectedByBreach(ctx context.Context, tx *gorm.DB, orgID int64) (map[int64]int, error) {
	rows, err := tx.WithContext(ctx).Raw(`SELECT p.breach_id, count(*) FROM affected_people p
		JOIN breaches b ON b.id = p.breach_id WHERE b.organization_id = ? GROUP BY p.breach_id`, orgID).Rows()
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
