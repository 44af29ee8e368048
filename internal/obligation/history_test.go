package obligation_test

import (
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestHistoryOutlivesItsObligation: an obligation's history cannot be
// deleted or truncated, and stays when the obligation (or its breach) is
// deleted.
func TestHistoryOutlivesItsObligation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := d.Gorm
		must := func(sql string, args ...any) {
			t.Helper()
			if err := g.Exec(sql, args...).Error; err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		seed := dbtest.NewSeed(t, g)
		seed.Obligation(seed.Breach(seed.Org(dbtest.OrgRow{Slug: "acme"}), dbtest.BreachRow{Reference: "BR-1"}), dbtest.ObligationRow{RuleKey: "K"})
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
