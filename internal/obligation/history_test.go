package obligation_test

import (
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestHistoryOutlivesItsObligation: an obligation's history cannot be
// deleted or truncated, and stays when the obligation (or its breach) is
// deleted.
func TestHistoryOutlivesItsObligation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g, now := d.Gorm, time.Now().UTC()
		must := func(sql string, args ...any) {
			t.Helper()
			if err := g.Exec(sql, args...).Error; err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		must("INSERT INTO organizations (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', ?, ?)", now, now)
		must("INSERT INTO breaches (organization_id, reference, title, created_at, updated_at) SELECT id, 'BR-1', 'T', ?, ? FROM organizations", now, now)
		must(`INSERT INTO obligations (breach_id, organization_id, rule_key, rule_id, rule_version, jurisdiction, evaluated_at, created_at, updated_at)
			SELECT b.id, b.organization_id, 'K', 'K', '1', 'CA', ?, ?, ? FROM breaches b`, now, now, now)
		must("INSERT INTO obligation_history (obligation_id, at, change) SELECT id, ?, 'created' FROM obligations", now)
		for _, s := range []string{"DELETE FROM obligation_history", "UPDATE obligation_history SET change = 'x'"} {
			if err := g.Exec(s).Error; err == nil {
				t.Errorf("%s: allowed", s)
			}
		}
		if d.Dialect == db.Postgres {
			if err := g.Exec("TRUNCATE obligation_history").Error; err == nil {
				t.Error("TRUNCATE obligation_history: allowed")
			}
		}
		must("DELETE FROM breaches")
		var n int64
		g.Raw("SELECT count(*) FROM obligations").Scan(&n)
		if n != 0 {
			t.Fatalf("the obligation stayed: %d", n)
		}
		g.Raw("SELECT count(*) FROM obligation_history").Scan(&n)
		if n != 1 {
			t.Fatalf("history went with its obligation: %d rows", n)
		}
	})
}
