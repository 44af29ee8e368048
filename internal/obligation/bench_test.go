package obligation

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/clock"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rules"
)

// benchRegions are the 60 regions of the million-person roster.
var benchRegions = strings.Fields(`US-AL US-AK US-AZ US-AR US-CA US-CO US-CT US-DE US-FL US-GA US-HI US-ID
US-IL US-IN US-IA US-KS US-KY US-LA US-ME US-MD US-MA US-MI US-MN US-MS US-MO US-MT US-NE US-NV US-NH
US-NJ US-NM US-NY US-NC US-ND US-OH US-OK US-OR US-PA US-RI US-SC US-SD US-TN US-TX US-UT US-VT US-VA
US-WA US-WV US-WI US-WY US-DC CA-ON CA-QC CA-BC CA-AB DE FR GB AU-NSW SG`)

// BenchmarkReevaluateMillion re-evaluates a stored breach with 1,000,000
// affected people in 60 regions on PostgreSQL (the target: under
// 200 ms), next to two baselines: reading the stored per-region counts
// (what re-evaluation reads) and counting the people themselves.
func BenchmarkReevaluateMillion(b *testing.B) {
	if len(benchRegions) != 60 {
		b.Fatalf("%d regions", len(benchRegions))
	}
	d := dbtest.Open(b, db.Postgres)
	f := newFixture(b, d)
	f.exec(`INSERT INTO affected_people (breach_id, name, region, created_at)
SELECT ?, 'Person ' || g, (?::text[])[1 + g % 60], now() FROM generate_series(1, 1000000) AS g`,
		f.breach, "{"+strings.Join(benchRegions, ",")+"}")
	f.exec("VACUUM ANALYZE affected_people")
	if err := roster.RefreshCounts(context.Background(), d.Gorm, f.breach); err != nil {
		b.Fatal(err)
	}
	first := f.reevaluate("initial")
	b.Logf("initial evaluation created %d obligations", first.Created)
	ctx := context.Background()
	b.Run("count_query", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			counts, err := (roster.CountReader{}).RegionCounts(ctx, d.Gorm, f.breach)
			if err != nil || len(counts) != 60 {
				b.Fatalf("counts %d: %v", len(counts), err)
			}
		}
	})
	b.Run("people_scan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var n int
			if err := d.Gorm.Raw("SELECT COUNT(*) FROM (SELECT region FROM affected_people WHERE breach_id = ? AND duplicate_of IS NULL GROUP BY region) r", f.breach).Scan(&n).Error; err != nil || n != 60 {
				b.Fatalf("regions %d: %v", n, err)
			}
		}
	})
	b.Run("reevaluate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.s.ReevaluateBreach(ctx, f.breach, "benchmark"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAssessCLI is `breachline assess` on a facts file after flag
// parsing: load the embedded catalogue and calendars, read and check the
// facts, evaluate and write JSON (target: under 100 ms). The evaluation
// alone, with the catalogue already loaded, is the baseline.
func BenchmarkAssessCLI(b *testing.B) {
	raw, err := os.ReadFile("testdata/facts.yaml")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 5, 12, 12, 0, 0, 0, time.UTC)
	b.Run("evaluate_only", func(b *testing.B) {
		cat := catalogue(b)
		cals, err := clock.LoadDefault()
		if err != nil {
			b.Fatal(err)
		}
		facts, err := ReadFacts(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res := rules.Evaluate(cat, facts, rules.Options{Now: now, Calendars: cals})
			if err := rules.WriteJSON(io.Discard, res); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("assess", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			res, err := AssessReader(bytes.NewReader(raw), now)
			if err != nil {
				b.Fatal(err)
			}
			if err := rules.WriteJSON(io.Discard, res); err != nil {
				b.Fatal(err)
			}
		}
	})
}
