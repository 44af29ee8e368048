package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/cli"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// cliEnv is a data directory and database the CLI runs against.
type cliEnv struct {
	t       *testing.T
	dir     string
	environ []string
	opts    db.Options
	org     int64 // the organization "city"
	breach  int64 // its breach BR-2026-0001
}

// newCLIEnv migrates a fresh database of the dialect through the CLI and
// stores one organization with breach BR-2026-0001.
func newCLIEnv(t *testing.T, dialect db.Dialect) *cliEnv {
	t.Helper()
	dir := t.TempDir()
	e := &cliEnv{t: t, dir: dir, environ: []string{"BREACHLINE_DATA_DIR=" + dir, "BREACHLINE_LOG_LEVEL=error"}}
	if dialect == db.Postgres {
		e.opts = db.Options{URL: dbtest.CreatePostgres(t)}
		e.environ = append(e.environ, "BREACHLINE_DATABASE_URL="+e.opts.URL, "BREACHLINE_SECRET_KEY="+strings.Repeat("5e", 32),
			"BREACHLINE_AUDIT_KEY="+dbtest.AuditKey)
	} else {
		e.opts = db.Options{SQLitePath: filepath.Join(dir, "breachline.db")}
	}
	if code, _, errOut := e.run("migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errOut)
	}
	d, err := db.Open(context.Background(), e.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	seed := dbtest.NewSeed(t, d.Gorm)
	e.org = seed.Org(dbtest.OrgRow{Slug: "city", Name: "City", Home: "CA-ON"})
	e.breach = seed.Breach(e.org, dbtest.BreachRow{Reference: "BR-2026-0001", Categories: []string{"contact"}})
	return e
}

// seed runs fn with a seed of the environment's database.
func (e *cliEnv) seed(fn func(s *dbtest.Seed)) {
	e.t.Helper()
	d, err := db.Open(context.Background(), e.opts)
	if err != nil {
		e.t.Fatal(err)
	}
	defer d.Close()
	fn(dbtest.NewSeed(e.t, d.Gorm))
}

// exec runs one statement on the environment's database.
func (e *cliEnv) exec(q string, args ...any) {
	e.t.Helper()
	d, err := db.Open(context.Background(), e.opts)
	if err != nil {
		e.t.Fatal(err)
	}
	defer d.Close()
	if err := d.Gorm.Exec(q, args...).Error; err != nil {
		e.t.Fatal(err)
	}
}

// count runs a COUNT query on the environment's database.
func (e *cliEnv) count(q string, args ...any) int64 {
	e.t.Helper()
	d, err := db.Open(context.Background(), e.opts)
	if err != nil {
		e.t.Fatal(err)
	}
	defer d.Close()
	var n int64
	if err := d.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *cliEnv) run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cli.Run(args, strings.NewReader(""), &out, &errOut, e.environ)
	return code, out.String(), errOut.String()
}

func (e *cliEnv) file(name, body string) string {
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

type importJSON struct {
	ImportID    int64  `json:"import_id"`
	Accepted    int64  `json:"accepted"`
	Rejected    int64  `json:"rejected"`
	Duplicates  int64  `json:"duplicates"`
	RejectsFile string `json:"rejects_file"`
}

const cliRoster = "Nom,Courriel,Province,Code postal\n" +
	"Jean Tremblay,jean@example.com,Québec,H2X 1Y4\n" +
	",not-an-address,,\n" +
	"Marie Roy,marie@example.com,Ont.,K1A0B1\n" +
	"=HYPERLINK(\"http://x\"),x@example.com,ON,K1A 0B1\n"

// The import command a privacy officer runs on a forensic firm's file: the
// JSON summary, the rejects report, the refusal of the same file, and clear
// failures that store nothing.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			e := newCLIEnv(t, dialect)
			roster := e.file("roster.csv", cliRoster)

			code, out, errOut := e.run("import", "--breach", "BR-2026-0001", "--file", roster, "--json")
			if code != 0 {
				t.Fatalf("import: %d %s", code, errOut)
			}
			var res importJSON
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			if res.ImportID == 0 || res.Accepted != 3 || res.Rejected != 1 || res.Duplicates != 0 {
				t.Fatalf("summary %+v", res)
			}
			report, err := os.ReadFile(res.RejectsFile)
			if err != nil {
				t.Fatalf("rejects file: %v", err)
			}
			if !strings.HasPrefix(string(report), "row,column,reason,value\n3,") || strings.Contains(string(report), "not-an-address") {
				t.Fatalf("rejects report (row 3, value masked):\n%s", report)
			}
			if n := e.count("SELECT COUNT(*) FROM affected_people"); n != 3 {
				t.Fatalf("%d people stored, want 3", n)
			}

			// The same file again is refused, and the first report stays,
			// even when the refused run is told to write its report there.
			for _, extra := range [][]string{nil, {"--rejects", res.RejectsFile}} {
				code, _, errOut = e.run(append([]string{"import", "--breach", "BR-2026-0001", "--file", roster, "--json"}, extra...)...)
				if code == 0 || !strings.Contains(errOut, "already been imported") {
					t.Fatalf("second import %v: %d %q", extra, code, errOut)
				}
			}
			if again, err := os.ReadFile(res.RejectsFile); err != nil || !bytes.Equal(again, report) {
				t.Fatalf("the refused re-import changed the first rejects report: %q %v", again, err)
			}
			if left := partials(t, filepath.Dir(res.RejectsFile)); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}

			// A dry run reports and stores nothing.
			other := e.file("other.csv", strings.Replace(cliRoster, "Jean", "Jeanne", 1))
			code, out, errOut = e.run("import", "--breach", "BR-2026-0001", "--file", other, "--dry-run", "--json")
			if code != 0 || !strings.Contains(out, `"duplicates":3`) {
				t.Fatalf("dry run: %d %q %q", code, out, errOut)
			}
			if n := e.count("SELECT COUNT(*) FROM affected_people"); n != 3 {
				t.Fatalf("dry run stored people: %d", n)
			}

			// Fatal problems: a clear message, a non-zero exit, nothing stored.
			mapping := e.file("map.yaml", "columns:\n  Courriel: email\n  Missing column: name\n")
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--file", filepath.Join(e.dir, "absent.csv")}, "cannot read the roster file"},
				{[]string{"--file", other, "--mapping", mapping}, "Missing column"},
				{[]string{"--file", e.file("bad.csv", "name,email\nAnn,ann@example.com\n\"unclosed,1\n")}, "row 3"},
			} {
				code, _, errOut := e.run(append([]string{"import", "--breach", "BR-2026-0001"}, tc.args...)...)
				if code == 0 || !strings.Contains(errOut, tc.want) {
					t.Errorf("%v: exit %d, message %q, want it to mention %q", tc.args, code, errOut, tc.want)
				}
			}
			if n := e.count("SELECT COUNT(*) FROM affected_people"); n != 3 {
				t.Fatalf("a failed import stored people: %d", n)
			}

			// The export neutralises the formula the file carried.
			exp := filepath.Join(e.dir, "export.csv")
			if code, _, errOut := e.run("roster", "export", "--breach", "BR-2026-0001", "--out", exp); code != 0 {
				t.Fatalf("export: %d %s", code, errOut)
			}
			raw, _ := os.ReadFile(exp)
			if !strings.Contains(string(raw), `'=HYPERLINK`) || strings.Contains(string(raw), `,=HYPERLINK`) {
				t.Fatalf("export does not neutralise the formula:\n%s", raw)
			}
		})
	}
}

// partials lists temporary rejects files left in dir.
func partials(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, ".*.partial"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}
