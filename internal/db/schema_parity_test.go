package db_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// schemaDifferences lists every fact of one dialect's migrated schema that
// the other dialect's lacks, each with the reason. This is the one place a
// difference between migrations/postgres and migrations/sqlite is allowed;
// TestSchemaParity fails on any other difference, and on an entry here that
// no longer differs.
var schemaDifferences = []struct {
	dialect db.Dialect
	fact    string
	why     string
}{
	{db.SQLite, "foreign key affected_people (breach_id) references breaches (id) on delete cascade",
		"PostgreSQL drops it (00060): its per-row check cost 40% of a bulk COPY; the importer locks the breach once instead"},
	{db.Postgres, "trigger breaches_delete_people on breaches",
		"the cascade of the foreign key PostgreSQL dropped (00060), as a trigger"},
	{db.SQLite, "foreign key affected_people (import_id) references imports (id) on delete no action",
		"PostgreSQL drops it (00020): its per-row check cost a third of a bulk load; the importer writes both in one transaction"},
	{db.SQLite, "foreign key deliveries (campaign_id) references campaigns (id) on delete cascade",
		"PostgreSQL drops it (00821): its per-row check cost a third of an expansion; expansion holds the campaign FOR UPDATE instead"},
	{db.Postgres, "trigger campaigns_delete_deliveries on campaigns",
		"the cascade of the foreign key PostgreSQL dropped (00821), as a trigger"},
	{db.Postgres, "trigger documents_no_change on documents",
		"a PL/pgSQL trigger for UPDATE OR DELETE; SQLite needs one trigger per event and condition (documents_content_no_update, documents_filed_no_update, documents_filed_no_delete)"},
	{db.SQLite, "trigger documents_content_no_update on documents", "see documents_no_change on PostgreSQL"},
	{db.SQLite, "trigger documents_filed_no_update on documents", "see documents_no_change on PostgreSQL"},
	{db.SQLite, "trigger documents_filed_no_delete on documents", "see documents_no_change on PostgreSQL"},
	{db.SQLite, "trigger audit_log_no_delete on audit_log",
		"a SQLite trigger fires on one event; PostgreSQL's audit_log_no_update covers UPDATE OR DELETE"},
	{db.Postgres, "trigger audit_log_no_truncate on audit_log", "SQLite has no TRUNCATE (a DELETE of every row meets audit_log_no_delete)"},
	{db.Postgres, "trigger obligation_history_no_truncate on obligation_history", "SQLite has no TRUNCATE"},
}

// ignoredTable reports whether a table is left out of the comparison:
// River's tables come from River's own migrations, which differ per driver
// by design; goose_db_version is goose's bookkeeping in goose's per-dialect
// layout; sqlite_* tables are SQLite's own.
func ignoredTable(name string) bool {
	return strings.HasPrefix(name, "river_") || name == "goose_db_version" || strings.HasPrefix(name, "sqlite_")
}

// TestSchemaParity migrates a database of each dialect and compares what
// the migrations built: tables, columns (name, nullability, type class),
// primary keys, indexes (name, columns, uniqueness, partial predicate),
// unique constraints, foreign keys and triggers.
func TestSchemaParity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := dbtest.Open(t, db.Postgres)
	lite := dbtest.Open(t, db.SQLite)
	pgFacts, err := postgresSchema(ctx, pg)
	if err != nil {
		t.Fatalf("read the PostgreSQL schema: %v", err)
	}
	liteFacts, err := sqliteSchema(ctx, lite)
	if err != nil {
		t.Fatalf("read the SQLite schema: %v", err)
	}
	if len(pgFacts) < 100 {
		t.Fatalf("only %d schema facts read from PostgreSQL", len(pgFacts))
	}
	checkDifferences(t, db.Postgres, setMinus(pgFacts, liteFacts))
	checkDifferences(t, db.SQLite, setMinus(liteFacts, pgFacts))
}

// checkDifferences fails for each fact only the dialect has that is not
// listed in schemaDifferences, and for each listed fact that no longer
// differs.
func checkDifferences(t *testing.T, dialect db.Dialect, only []string) {
	t.Helper()
	listed := map[string]bool{}
	for _, d := range schemaDifferences {
		if d.dialect == dialect {
			listed[d.fact] = true
		}
	}
	for _, fact := range only {
		if !listed[fact] {
			t.Errorf("only on %s: %s\n\t(make the other dialect's migrations match, or list it with a reason in schemaDifferences)", dialect, fact)
		}
		delete(listed, fact)
	}
	for fact := range listed {
		t.Errorf("schemaDifferences lists %q for %s, but it is not a difference any more: remove it", fact, dialect)
	}
}

// setMinus returns the facts of a missing from b, sorted.
func setMinus(a, b map[string]bool) []string {
	var out []string
	for f := range a {
		if !b[f] {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// typeClasses maps each declared column type, lower case, to the class
// compared across dialects. An unknown type fails the test: add it here.
var typeClasses = map[string]string{
	"bigint": "integer", "integer": "integer", "smallint": "integer", "int": "integer",
	"text": "text", "character varying": "text", "varchar": "text",
	"timestamp with time zone": "time", "timestamp without time zone": "time", "datetime": "time", "timestamp": "time",
	"boolean": "boolean",
	"bytea":   "bytes", "blob": "bytes",
	"jsonb": "json", "json": "json",
	"double precision": "number", "real": "number", "numeric": "number",
}

func columnFact(table, column, typ string, notNull bool) (string, error) {
	class, ok := typeClasses[strings.ToLower(typ)]
	if !ok {
		return "", fmt.Errorf("column %s.%s: unknown type %q (add it to typeClasses)", table, column, typ)
	}
	null := "null"
	if notNull {
		null = "not null"
	}
	return fmt.Sprintf("column %s.%s %s %s", table, column, class, null), nil
}

// indexFact describes an index. Indexes made by a UNIQUE constraint are
// named by the engine (users_email_key, sqlite_autoindex_users_1), so they
// are described by their columns alone.
func indexFact(table, name string, constraint, unique bool, columns []string, predicate string) string {
	cols := strings.Join(columns, ", ")
	if constraint {
		return fmt.Sprintf("unique constraint on %s (%s)", table, cols)
	}
	kind := "index"
	if unique {
		kind = "unique index"
	}
	f := fmt.Sprintf("%s %s on %s (%s)", kind, name, table, cols)
	if predicate != "" {
		f += " where " + normalisePredicate(predicate)
	}
	return f
}

var (
	castRe   = regexp.MustCompile(`::[a-z]+(?: [a-z]+)*(\[\])?`)
	anyRe    = regexp.MustCompile(`(?i)=\s*ANY\s*\(\s*ARRAY\[([^\]]*)\]\s*\)`)
	spacesRe = regexp.MustCompile(`\s+`)
	quotedRe = regexp.MustCompile(`'(?:[^']|'')*'|[^']+`)
)

// normalisePredicate writes a partial index's WHERE clause the same way
// whichever engine printed it: PostgreSQL's casts dropped, its
// "= ANY (ARRAY[...])" written as IN (...), and everything outside string
// literals in lower case with single spaces and no redundant parentheses.
func normalisePredicate(p string) string {
	p = castRe.ReplaceAllString(p, "")
	p = anyRe.ReplaceAllString(p, " IN ($1)")
	p = strings.ReplaceAll(p, "!=", "<>")
	p = quotedRe.ReplaceAllStringFunc(p, func(s string) string {
		if strings.HasPrefix(s, "'") {
			return s
		}
		return strings.ToLower(s)
	})
	if !strings.Contains(strings.ToUpper(p), " OR ") {
		// A conjunction means the same with or without the parentheses
		// PostgreSQL puts around each term; keep only those of IN lists.
		p = inListRe.ReplaceAllString(p, "IN [$1]")
		p = strings.NewReplacer("(", " ", ")", " ").Replace(p)
		p = strings.NewReplacer("[", "(", "]", ")").Replace(p)
	}
	p = spacesRe.ReplaceAllString(p, " ")
	p = strings.NewReplacer("( ", "(", " )", ")").Replace(strings.TrimSpace(p))
	for strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")") && balanced(p[1:len(p)-1]) {
		p = strings.TrimSpace(p[1 : len(p)-1])
	}
	return p
}

// inListRe finds the value list of an IN.
var inListRe = regexp.MustCompile(`(?i)IN \(([^()]*)\)`)

// balanced reports whether the parentheses of s pair up, so that removing
// the ones around it does not change its meaning.
func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

func foreignKeyFact(table string, cols []string, ref string, refCols []string, onDelete string) string {
	return fmt.Sprintf("foreign key %s (%s) references %s (%s) on delete %s",
		table, strings.Join(cols, ", "), ref, strings.Join(refCols, ", "), strings.ToLower(onDelete))
}

// TestPredicatesNormaliseAlike checks that a partial index's predicate as
// PostgreSQL prints it (pg_get_expr, pretty) and as it was written for
// SQLite compare equal, and that a changed literal does not.
func TestPredicatesNormaliseAlike(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"status = 'done'::text", "status = 'done'"},
		{"state = ANY (ARRAY['claimed'::text, 'retry'::text])", "state IN ('claimed', 'retry')"},
		{"accepted_at IS NULL AND revoked_at IS NULL", "(accepted_at IS NULL AND revoked_at IS NULL)"},
		{"calendar_token_hash <> ''::text", "calendar_token_hash != ''"},
	}
	for _, p := range same {
		if a, b := normalisePredicate(p[0]), normalisePredicate(p[1]); a != b {
			t.Errorf("%q and %q normalise to %q and %q", p[0], p[1], a, b)
		}
	}
	if normalisePredicate("status = 'Done'") == normalisePredicate("status = 'done'") {
		t.Error("the case of a string literal was lost")
	}
	if got := normalisePredicate("(a = 1) OR (b = 2)"); got != "(a = 1) or (b = 2)" {
		t.Errorf("parentheses that are not around the whole predicate were removed: %q", got)
	}
}
