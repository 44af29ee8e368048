package reminder

import (
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// BenchmarkRun measures one job run that finds, claims, sends (to the
// in-process SMTP server) and records 1,000 reminders: 500 obligations of
// one organization with two recipients each.
func BenchmarkRun(b *testing.B) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect)
			f := newFixture(b, d)
			f.member(f.org, "po@city.test", "privacy_officer")
			f.member(f.org, "legal@city.test", "legal")
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				due := t0.Add(time.Duration(i) * 365 * 24 * time.Hour)
				for j := 0; j < 500; j++ {
					f.obligation(f.breach, f.org, due.Add(time.Duration(j)*time.Second))
				}
				b.StartTimer()
				if st := f.run(due.Add(-4 * time.Hour)); st.Sent != 1000 {
					b.Fatalf("sent %d", st.Sent)
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "reminders/s")
		})
	}
}
