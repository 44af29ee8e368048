package roster

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// The import benchmarks load a generated roster once per run (use
// -benchtime=1x). BREACHLINE_BENCH_ROWS sets the size (default 1,000,000 for
// PostgreSQL, 200,000 for SQLite). Run them with:
//
//	BREACHLINE_TEST_DATABASE_URL=postgres://… go test ./internal/roster \
//	  -run '^$' -bench 'Import' -benchtime 1x -timeout 30m

func benchRows(b *testing.B, def int) int {
	if v := os.Getenv("BREACHLINE_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("BREACHLINE_BENCH_ROWS=%q", v)
		}
		return n
	}
	return def
}

// writeBenchFile streams a realistic roster of rows rows to a file and
// returns its path and size.
func writeBenchFile(b *testing.B, rows int) (string, int64) {
	return writePeopleFile(b, "roster.csv", 0, rows)
}

// writePeopleFile streams a roster of the people numbered from first to
// first+rows-1 to the file name and returns its path and size.
func writePeopleFile(b *testing.B, name string, first, rows int) (string, int64) {
	path := filepath.Join(b.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id,first name,last name,email,phone,address,city,province,postal code,language,member since,notes\n")
	provs := []string{"ON", "Ontario", "QC", "Québec", "BC", "AB", "NS", "MB"}
	posts := []string{"K1A 0B1", "M5V 2T6", "H2X 1Y4", "G1R 4P5", "V6B 1A1", "T2P 1J9", "B3H 1A1", "R3C 0V8"}
	for i := first; i < first+rows; i++ {
		k := i % len(provs)
		fmt.Fprintf(w, "%d,Jean%d,Tremblay%d,jean.tremblay%d@example.com,(416) 555-%04d,%d rue Principale,Ville%d,%s,%s,%s,2019-01-01,client %d\n",
			i, i, i%997, i, i%10000, i%500, i%300, provs[k], posts[k], []string{"en", "fr"}[i%2], i%7)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return path, st.Size()
}

// peakRSS is the process's peak resident set (VmHWM) in MiB.
func peakRSS() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return -1
}

// importBench imports the file once and returns the elapsed time.
func importBench(b *testing.B, d *db.DB, path string, size int64, rows int) time.Duration {
	breachID := seedBreach(b, d, "bench")
	im := &Importer{DB: d, Deps: testDeps(), TempDir: b.TempDir(), Now: time.Now}
	start := time.Now()
	res := runBenchFile(b, im, breachID, path, size)
	elapsed := time.Since(start)
	if res.Accepted != int64(rows) {
		b.Fatalf("accepted %d of %d (rejected %d)", res.Accepted, rows, res.Rejected)
	}
	return elapsed
}

// BenchmarkImportPostgres compares the importer with psql \copy of the same
// file into a bare table of the file's columns (psql-s, ratio), and with
// psql \copy of what the importer stored into a bare table of the stored
// columns (psql-stored-s, ratio-stored).
func BenchmarkImportPostgres(b *testing.B) {
	rows := benchRows(b, 1_000_000)
	url := dbtest.CreatePostgres(b)
	path, size := writeBenchFile(b, rows)
	d, err := db.Open(context.Background(), db.Options{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	cols := "id text, first_name text, last_name text, email text, phone text, address text, city text, province text, postal_code text, language text, member_since text, notes text"
	if err := d.Gorm.Exec("CREATE TABLE bare (" + cols + ")").Error; err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		out, err := exec.Command("psql", url, "-v", "ON_ERROR_STOP=1", "-c", `\copy bare FROM '`+path+`' WITH (FORMAT csv, HEADER true)`).CombinedOutput()
		psql := time.Since(start)
		if err != nil {
			b.Fatalf("psql: %v: %s", err, out)
		}
		ours := importBench(b, d, path, size, rows)
		stored := psqlCopyStored(b, d, url)
		b.ReportMetric(psql.Seconds(), "psql-s")
		b.ReportMetric(stored.Seconds(), "psql-stored-s")
		b.ReportMetric(ours.Seconds(), "import-s")
		b.ReportMetric(ours.Seconds()/psql.Seconds(), "ratio")
		b.ReportMetric(ours.Seconds()/stored.Seconds(), "ratio-stored")
		b.ReportMetric(float64(rows)/ours.Seconds(), "rows/s")
		b.ReportMetric(float64(size)/(1<<20), "file-MiB")
		b.ReportMetric(peakRSS(), "peak-MiB")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkImportSQLite measures rows per second into SQLite.
func BenchmarkImportSQLite(b *testing.B) {
	rows := benchRows(b, 200_000)
	path, size := writeBenchFile(b, rows)
	d := dbtest.Open(b, db.SQLite)
	b.ResetTimer()
	for b.Loop() {
		ours := importBench(b, d, path, size, rows)
		b.ReportMetric(ours.Seconds(), "import-s")
		b.ReportMetric(float64(rows)/ours.Seconds(), "rows/s")
		b.ReportMetric(peakRSS(), "peak-MiB")
	}
	b.ReportMetric(0, "ns/op")
}

// psqlCopyStored times psql \copy of exactly what the importer stored (the
// personColumns of every imported row, as CSV) into a bare table of those
// columns with no index or constraint: the load an import cannot avoid.
func psqlCopyStored(b *testing.B, d *db.DB, url string) time.Duration {
	path := filepath.Join(b.TempDir(), "stored.csv")
	cols := strings.Join(personColumns, ", ")
	out, err := exec.Command("psql", url, "-v", "ON_ERROR_STOP=1", "-c",
		`\copy (SELECT `+cols+` FROM affected_people ORDER BY id) TO '`+path+`' WITH (FORMAT csv)`).CombinedOutput()
	if err != nil {
		b.Fatalf("psql: %v: %s", err, out)
	}
	if err := d.Gorm.Exec("CREATE TABLE bare_stored AS SELECT " + cols + " FROM affected_people WITH NO DATA").Error; err != nil {
		b.Fatal(err)
	}
	defer d.Gorm.Exec("DROP TABLE bare_stored")
	start := time.Now()
	out, err = exec.Command("psql", url, "-v", "ON_ERROR_STOP=1", "-c", `\copy bare_stored FROM '`+path+`' WITH (FORMAT csv)`).CombinedOutput()
	if err != nil {
		b.Fatalf("psql: %v: %s", err, out)
	}
	return time.Since(start)
}

// BenchmarkImportRepeatSQLite imports a roster into SQLite, then a second
// file that repeats every person of the first with other spellings, into
// the same breach: every row of the second import is looked up among the
// first's and flagged. It reports the second import's rows per second next
// to the first's (BREACHLINE_BENCH_ROWS, default 50,000).
func BenchmarkImportRepeatSQLite(b *testing.B) {
	rows := benchRows(b, 50_000)
	path, size := writeBenchFile(b, rows)
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	again := filepath.Join(b.TempDir(), "again.csv")
	if err := os.WriteFile(again, []byte(strings.ReplaceAll(string(raw), "Jean", "JEAN")), 0o600); err != nil {
		b.Fatal(err)
	}
	d := dbtest.Open(b, db.SQLite)
	b.ResetTimer()
	for b.Loop() {
		breachID := seedBreach(b, d, "repeat")
		im := &Importer{DB: d, Deps: testDeps(), TempDir: b.TempDir(), Now: time.Now}
		first := runBenchFile(b, im, breachID, path, size)
		second := runBenchFile(b, im, breachID, again, size)
		if second.Duplicates != int64(rows) {
			b.Fatalf("second import flagged %d of %d rows", second.Duplicates, rows)
		}
		b.ReportMetric(float64(rows)/first.Elapsed.Seconds(), "first-rows/s")
		b.ReportMetric(float64(rows)/second.Elapsed.Seconds(), "repeat-rows/s")
		b.ReportMetric(second.Elapsed.Seconds()/first.Elapsed.Seconds(), "ratio")
	}
	b.ReportMetric(0, "ns/op")
}

// runBenchFile imports one file into the breach and returns the result.
func runBenchFile(b *testing.B, im *Importer, breachID int64, path string, size int64) Result {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	res, err := im.Run(context.Background(), queue(b, im.DB, breachID, filepath.Base(path), ""), f, RunOptions{Size: size})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkImportSecondPostgres imports 200,000 people into a breach, then
// a second roster of 200,000 into the same breach: other people
// ("distinct"), or the same people spelt otherwise, every row a duplicate
// ("repeat"). It reports both times and the second's as a multiple of the
// first's (ratio; the target is at most 2). BREACHLINE_BENCH_ROWS sets the
// size. Before them, as on a server in use, a small roster of 219 people
// is imported and autovacuum's ANALYZE has seen it: the statistics then
// describe a table of 219 rows until autovacuum's next round, a minute or
// more after the first large import commits.
func BenchmarkImportSecondPostgres(b *testing.B) {
	rows := benchRows(b, 200_000)
	small, smallSize := writePeopleFile(b, "small.csv", 10*rows, 219)
	first, size := writePeopleFile(b, "first.csv", 0, rows)
	distinct, _ := writePeopleFile(b, "distinct.csv", rows, rows)
	raw, err := os.ReadFile(first)
	if err != nil {
		b.Fatal(err)
	}
	repeat := filepath.Join(b.TempDir(), "repeat.csv")
	if err := os.WriteFile(repeat, []byte(strings.ReplaceAll(string(raw), "Jean", "JEAN")), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, second string
		dups         int64
	}{{"distinct", distinct, 0}, {"repeat", repeat, int64(rows)}} {
		b.Run(c.name, func(b *testing.B) {
			d := dbtest.Open(b, db.Postgres)
			for n := 0; b.Loop(); n++ {
				im := &Importer{DB: d, Deps: testDeps(), TempDir: b.TempDir(), Now: time.Now}
				runBenchFile(b, im, seedBreach(b, d, "small-"+strconv.Itoa(n)), small, smallSize)
				if err := d.Gorm.Exec("ANALYZE affected_people").Error; err != nil {
					b.Fatal(err)
				}
				breachID := seedBreach(b, d, "second-"+strconv.Itoa(n))
				start := time.Now()
				runBenchFile(b, im, breachID, first, size)
				one := time.Since(start)
				start = time.Now()
				res := runBenchFile(b, im, breachID, c.second, size)
				two := time.Since(start)
				if res.Accepted != int64(rows) || res.Duplicates != c.dups {
					b.Fatalf("second import: accepted %d, duplicates %d", res.Accepted, res.Duplicates)
				}
				b.ReportMetric(one.Seconds(), "first-s")
				b.ReportMetric(two.Seconds(), "second-s")
				b.ReportMetric(two.Seconds()/one.Seconds(), "ratio")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}
