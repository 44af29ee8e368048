package roster

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/errs"
)

// seedBreach inserts an organization and a breach and returns the breach id.
func seedBreach(t testing.TB, d *db.DB, slug string) int64 {
	t.Helper()
	seed := dbtest.NewSeed(t, d.Gorm)
	org := seed.Org(dbtest.OrgRow{Slug: slug, Name: "Org " + slug, Home: "CA-ON"})
	return seed.Breach(org, dbtest.BreachRow{Reference: "BR-2025-0001", Title: "Test", Categories: []string{"contact"}})
}

func newImporter(t testing.TB, d *db.DB) *Importer {
	return &Importer{DB: d, Deps: testDeps(), TempDir: t.TempDir(), Now: func() time.Time { return refDate }}
}

// testDeps reads breaches and organizations with their owners' readers and
// records the breaches reported as changed.
func testDeps() Deps {
	return Deps{Breaches: breach.Reader{}, Orgs: auth.Reader{}, Changed: &changes{}}
}

// changes records the breaches the roster reported as changed, and checks
// that each report came inside a transaction.
type changes struct {
	mu     sync.Mutex
	causes map[int64][]string
}

func (c *changes) BreachChanged(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error {
	if _, ok := tx.Statement.ConnPool.(*sql.Tx); !ok {
		return errors.New("the roster reported a change outside its transaction")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.causes == nil {
		c.causes = map[int64][]string{}
	}
	c.causes[breachID] = append(c.causes[breachID], cause)
	return nil
}

// queue creates a queued import of name for the breach.
func queue(t testing.TB, d *db.DB, breachID int64, name, sum string) *Import {
	t.Helper()
	imp := &Import{BreachID: breachID, FileName: name, SHA256: sum, Status: StatusQueued, CreatedAt: time.Now().UTC()}
	if err := d.Gorm.Create(imp).Error; err != nil {
		t.Fatal(err)
	}
	return imp
}

func runFile(t *testing.T, im *Importer, breachID int64, name string, opts RunOptions) (Result, error) {
	t.Helper()
	raw, err := os.ReadFile(corpus(name))
	if err != nil {
		t.Fatal(err)
	}
	imp := queue(t, im.DB, breachID, name, "")
	return im.Run(context.Background(), imp, bytes.NewReader(raw), opts)
}

func peopleCount(t testing.TB, d *db.DB, breachID int64) int64 {
	t.Helper()
	var n int64
	if err := d.Gorm.Model(&StoredPerson{}).Where("breach_id = ?", breachID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportMessyFile(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		var buf bytes.Buffer
		rw := NewRejectsWriter(&buf)
		res, err := runFile(t, im, b, "bad_emails.csv", RunOptions{Rejects: rw})
		if err != nil {
			t.Fatal(err)
		}
		if res.RowsRead != 8 || res.Accepted != 2 || res.Rejected != 6 || res.Duplicates != 0 {
			t.Fatalf("result %+v", res)
		}
		var rows []int64
		d.Gorm.Raw("SELECT row_number FROM import_rejects WHERE import_id = ? ORDER BY row_number", res.ImportID).Scan(&rows)
		if got := joinInts(rows); got != "3,4,5,6,7,9" {
			t.Fatalf("reject rows %s", got)
		}
		var p StoredPerson
		if err := d.Gorm.Where("breach_id = ? AND row_number = 8", b).Take(&p).Error; err != nil {
			t.Fatal(err)
		}
		if p.Email != "JEAN@example.com" && p.Email != "jean@example.com" || p.EmailOriginal != "Jean Dupont <JEAN@Example.COM>" {
			t.Fatalf("email %q original %q", p.Email, p.EmailOriginal)
		}
		if err := rw.Flush(); err != nil || !strings.Contains(buf.String(), "row,column,reason,value") {
			t.Fatalf("rejects csv %q %v", buf.String(), err)
		}
		var imp Import
		d.Gorm.Take(&imp, res.ImportID)
		if imp.Status != StatusDone || imp.Accepted != 2 || imp.Rejected != 6 || imp.SHA256 == "" {
			t.Fatalf("import %+v", imp)
		}
	})
}

// joinInts renders 3,4,5.
func joinInts(v []int64) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, ",")
}

func TestImportRefusesSameFile(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		if _, err := runFile(t, im, b, "bad_emails.csv", RunOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := runFile(t, im, b, "bad_emails.csv", RunOptions{})
		if !errors.Is(err, errs.ErrConflict) || !strings.Contains(err.Error(), "already been imported") {
			t.Fatalf("second import: %v", err)
		}
		if n := peopleCount(t, d, b); n != 2 {
			t.Fatalf("people %d", n)
		}
	})
}

func TestImportCancelledLeavesRosterUnchanged(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		if _, err := runFile(t, im, b, "bad_emails.csv", RunOptions{}); err != nil {
			t.Fatal(err)
		}
		before := peopleCount(t, d, b)
		counts, _ := Counts(context.Background(), d.Gorm, b)
		data := benchCSV(5000)
		imp := queue(t, d, b, "big.csv", "")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen int64
		_, err := im.Run(ctx, imp, bytes.NewReader(data), RunOptions{ProgressEvery: 1000, Progress: func(p Progress) {
			seen = p.Rows
			if p.Rows >= 2000 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled import: %v (rows seen %d)", err, seen)
		}
		if n := peopleCount(t, d, b); n != before {
			t.Fatalf("people %d, want %d", n, before)
		}
		after, _ := Counts(context.Background(), d.Gorm, b)
		if after.People != counts.People {
			t.Fatalf("counts changed: %+v", after)
		}
		var st Import
		d.Gorm.Take(&st, imp.ID)
		if st.Status != StatusCancelled {
			t.Fatalf("status %q", st.Status)
		}
		res, err := im.Run(context.Background(), imp, bytes.NewReader(data), RunOptions{})
		if err != nil || res.Accepted != 5000 {
			t.Fatalf("re-run: %+v %v", res, err)
		}
		if n := peopleCount(t, d, b); n != before+5000 {
			t.Fatalf("people %d after re-run", n)
		}
	})
}

func TestImportFlagsDuplicatesAcrossImports(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		first := "name,email,address,postal code,country\nAnn Lee,ann@example.com,1 Main St,K1A 0B1,CA\nBo Ng,,2 Elm St,K1A 0B1,CA\n"
		second := "name,email,address,postal code,country\nAnn L,ANN@example.com,9 Oak St,K1A 0B1,CA\nbo  ng,,2 ELM ST,K1A0B1,CA\nCy Oh,cy@example.com,3 Pine St,K1A 0B1,CA\n"
		for i, file := range []string{first, second} {
			imp := queue(t, d, b, "f"+strconv.Itoa(i)+".csv", "")
			res, err := im.Run(context.Background(), imp, strings.NewReader(file), RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(i * 2); res.Duplicates != want {
				t.Fatalf("import %d: duplicates %d, want %d", i, res.Duplicates, want)
			}
		}
		if n := peopleCount(t, d, b); n != 5 {
			t.Fatalf("people %d: duplicates must be kept", n)
		}
		c, err := Counts(context.Background(), d.Gorm, b)
		if err != nil || c.People != 3 || c.Duplicates != 2 {
			t.Fatalf("counts %+v %v", c, err)
		}
	})
}

// Removing a breach removes its people on both databases (a foreign key on
// SQLite, a trigger on PostgreSQL; see migration 00060).
func TestDeletingBreachRemovesItsPeople(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		other := seedBreach(t, d, "other")
		im := newImporter(t, d)
		if _, err := runFile(t, im, b, "bad_emails.csv", RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := runFile(t, im, other, "bad_emails.csv", RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := d.Gorm.Exec("DELETE FROM breaches WHERE id = ?", b).Error; err != nil {
			t.Fatal(err)
		}
		if n := peopleCount(t, d, b); n != 0 {
			t.Fatalf("%d people left after their breach was deleted", n)
		}
		if n := peopleCount(t, d, other); n != 2 {
			t.Fatalf("other breach has %d people, want 2", n)
		}
	})
}

// gatedReader returns its data only after gate is closed.
type gatedReader struct {
	gate <-chan struct{}
	r    io.Reader
}

func (g *gatedReader) Read(p []byte) (int, error) {
	<-g.gate
	return g.r.Read(p)
}

// On PostgreSQL, an import holds its breach row for the whole transaction,
// so the breach cannot be deleted under rows being written without a
// per-row foreign-key check.
func TestImportHoldsItsBreachUntilCommit(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.Postgres)
	b := seedBreach(t, d, "acme")
	im := newImporter(t, d)
	gate := make(chan struct{})
	imp := queue(t, d, b, "gated.csv", "")
	done := make(chan error, 1)
	go func() {
		_, err := im.Run(context.Background(), imp, &gatedReader{gate: gate, r: bytes.NewReader(benchCSV(50))}, RunOptions{})
		done <- err
	}()
	// Wait until the import's transaction holds the lock, then try to
	// delete the breach without waiting for it.
	waitFor(t, "the import to lock its breach", func() bool {
		var held int64
		d.Gorm.Raw(`SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE l.database = ` + thisDatabase + ` AND c.relname = 'breaches' AND l.mode = 'RowShareLock'
			AND l.pid <> pg_backend_pid()`).Scan(&held)
		return held > 0
	})
	err := d.Gorm.WithContext(context.Background()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL lock_timeout = '200ms'").Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM breaches WHERE id = ?", b).Error
	})
	if err == nil || !strings.Contains(err.Error(), "lock timeout") {
		var outcome error
		select {
		case outcome = <-done:
		default:
		}
		t.Fatalf("deleting the breach during its import: %v, want a lock timeout (import so far: %v)", err, outcome)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := peopleCount(t, d, b); n != 50 {
		t.Fatalf("people %d, want 50", n)
	}
}

// Two imports into one breach at the same moment commit one after the other,
// so the second flags the people it repeats from the first.
func TestConcurrentImportsIntoOneBreachSeeEachOther(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.Postgres)
	b := seedBreach(t, d, "acme")
	im := newImporter(t, d)
	file := "name,email,address,postal code,country\nAnn Lee,ann@example.com,1 Main St,K1A 0B1,CA\nBo Ng,bo@example.com,2 Elm St,K1A 0B1,CA\n"
	gate := make(chan struct{})
	first, second := queue(t, d, b, "first.csv", ""), queue(t, d, b, "second.csv", "")
	results := make(chan Result, 2)
	errc := make(chan error, 2)
	run := func(imp *Import, src io.Reader) {
		res, err := im.Run(context.Background(), imp, src, RunOptions{})
		results <- res
		errc <- err
	}
	go run(first, &gatedReader{gate: gate, r: strings.NewReader(file)})
	waitFor(t, "the first import to lock the roster", func() bool {
		var n int64
		d.Gorm.Raw("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "+thisDatabase+" AND classid = ? AND objid = ? AND granted", breachLockClass, b).Scan(&n)
		return n > 0
	})
	// The second file says the same people with other spellings.
	header, people, _ := strings.Cut(file, "\n")
	go run(second, strings.NewReader(header+"\n"+strings.ToUpper(people)))
	waitFor(t, "the second import to wait for the first", func() bool {
		var n int64
		d.Gorm.Raw("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "+thisDatabase+" AND classid = ? AND objid = ? AND NOT granted", breachLockClass, b).Scan(&n)
		return n > 0
	})
	close(gate)
	var dups int64
	for range 2 {
		res, err := <-results, <-errc
		if err != nil {
			t.Fatal(err)
		}
		dups += res.Duplicates
	}
	if dups != 2 {
		t.Fatalf("duplicates flagged %d, want 2 (the second file repeats both people)", dups)
	}
	if n := peopleCount(t, d, b); n != 4 {
		t.Fatalf("people %d, want 4: duplicates are kept", n)
	}
}

// thisDatabase selects the test's own database in pg_locks, which shows the
// locks of the whole server: other packages' tests take the same kinds of
// lock in their databases at the same time.
const thisDatabase = "(SELECT oid FROM pg_database WHERE datname = current_database())"

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
