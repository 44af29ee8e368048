package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/breachline/breachline/internal/db"
)

// facts is a migrated schema as a set of one-line descriptions, each
// written the same way for both dialects (see the *Fact functions).
type facts map[string]bool

// each runs q and calls scan for every row.
func each(ctx context.Context, d *db.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := d.SQL.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s…: %w", strings.Join(strings.Fields(q)[:4], " "), err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// The PostgreSQL catalogue queries read the schema the connection works in.
const (
	pgTables = `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	pgColumns = `SELECT table_name, column_name, data_type, is_nullable = 'NO'
		FROM information_schema.columns WHERE table_schema = current_schema()`
	pgIndexes = `SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, con.contype IS NOT NULL,
		coalesce(pg_get_expr(ix.indpred, ix.indrelid, true), ''),
		array_to_string(ARRAY(SELECT CASE WHEN ix.indkey[k - 1] = 0 THEN '(expression)'
			ELSE pg_get_indexdef(ix.indexrelid, k, true) END
			FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k), ',')
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype = 'u'
		WHERE t.relnamespace = current_schema()::regnamespace`
	pgForeignKeys = `SELECT c.conrelid::regclass::text,
		array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ','),
		c.confrelid::regclass::text,
		array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o)
			JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), ','),
		CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
			WHEN 'n' THEN 'set null' ELSE 'set default' END
		FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`
	pgTriggers = `SELECT tg.tgrelid::regclass::text, tg.tgname FROM pg_trigger tg
		JOIN pg_class t ON t.oid = tg.tgrelid
		WHERE NOT tg.tgisinternal AND t.relnamespace = current_schema()::regnamespace`
)

// postgresSchema reads the facts of a migrated PostgreSQL database.
func postgresSchema(ctx context.Context, d *db.DB) (facts, error) {
	f := facts{}
	steps := []func() error{
		func() error { return pgTableFacts(ctx, d, f) },
		func() error { return pgColumnFacts(ctx, d, f) },
		func() error { return pgIndexFacts(ctx, d, f) },
		func() error { return pgForeignKeyFacts(ctx, d, f) },
		func() error { return pgTriggerFacts(ctx, d, f) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func pgTableFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, pgTables, nil, func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		if !ignoredTable(name) {
			f["table "+name] = true
		}
		return nil
	})
}

func pgColumnFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, pgColumns, nil, func(r *sql.Rows) error {
		var table, column, typ string
		var notNull bool
		if err := r.Scan(&table, &column, &typ, &notNull); err != nil {
			return err
		}
		if ignoredTable(table) {
			return nil
		}
		fact, err := columnFact(table, column, typ, notNull)
		f[fact] = true
		return err
	})
}

func pgIndexFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, pgIndexes, nil, func(r *sql.Rows) error {
		var table, name, predicate, columns string
		var unique, primary, constraint bool
		if err := r.Scan(&table, &name, &unique, &primary, &constraint, &predicate, &columns); err != nil {
			return err
		}
		switch {
		case ignoredTable(table):
		case primary:
			f[primaryKeyFact(table, strings.Split(columns, ","))] = true
		default:
			f[indexFact(table, name, constraint, unique, strings.Split(columns, ","), predicate)] = true
		}
		return nil
	})
}

func pgForeignKeyFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, pgForeignKeys, nil, func(r *sql.Rows) error {
		var table, cols, ref, refCols, onDelete string
		if err := r.Scan(&table, &cols, &ref, &refCols, &onDelete); err != nil {
			return err
		}
		if !ignoredTable(table) {
			f[foreignKeyFact(table, strings.Split(cols, ","), ref, strings.Split(refCols, ","), onDelete)] = true
		}
		return nil
	})
}

func pgTriggerFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, pgTriggers, nil, func(r *sql.Rows) error {
		var table, name string
		if err := r.Scan(&table, &name); err != nil {
			return err
		}
		if !ignoredTable(table) {
			f[triggerFact(table, name)] = true
		}
		return nil
	})
}

func primaryKeyFact(table string, columns []string) string {
	return fmt.Sprintf("primary key %s (%s)", table, strings.Join(columns, ", "))
}

func triggerFact(table, name string) string { return fmt.Sprintf("trigger %s on %s", name, table) }

// sqliteSchema reads the facts of a migrated SQLite database.
func sqliteSchema(ctx context.Context, d *db.DB) (facts, error) {
	f := facts{}
	var tables []string
	err := each(ctx, d, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`, nil, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		if !ignoredTable(name) {
			tables = append(tables, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, table := range tables {
		f["table "+table] = true
		for _, read := range []func(context.Context, *db.DB, string, facts) error{
			liteColumnFacts, liteIndexFacts, liteForeignKeyFacts,
		} {
			if err := read(ctx, d, table, f); err != nil {
				return nil, fmt.Errorf("table %s: %w", table, err)
			}
		}
	}
	return f, liteTriggerFacts(ctx, d, f)
}

// liteColumnFacts reads the columns and primary key of a table. SQLite lets
// a primary key that is not an INTEGER PRIMARY KEY hold NULL unless it is
// declared NOT NULL (a quirk kept for compatibility); Breachline never
// writes one, so primary-key columns count as NOT NULL, as on PostgreSQL.
func liteColumnFacts(ctx context.Context, d *db.DB, table string, f facts) error {
	var pk []string
	err := each(ctx, d, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, []any{table}, func(r *sql.Rows) error {
		var name, typ string
		var notNull bool
		var pkPos int
		if err := r.Scan(&name, &typ, &notNull, &pkPos); err != nil {
			return err
		}
		if pkPos > 0 {
			pk = append(pk, name)
		}
		fact, err := columnFact(table, name, typ, notNull || pkPos > 0)
		f[fact] = true
		return err
	})
	if len(pk) > 0 {
		f[primaryKeyFact(table, pk)] = true
	}
	return err
}

var whereRe = regexp.MustCompile(`(?is)\bWHERE\b(.*)$`)

// liteIndexFacts reads a table's indexes, except the primary key's.
func liteIndexFacts(ctx context.Context, d *db.DB, table string, f facts) error {
	type index struct {
		name, origin string
		unique       bool
	}
	var list []index
	err := each(ctx, d, `SELECT name, "unique", origin FROM pragma_index_list(?)`, []any{table}, func(r *sql.Rows) error {
		var ix index
		err := r.Scan(&ix.name, &ix.unique, &ix.origin)
		if ix.origin != "pk" {
			list = append(list, ix)
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, ix := range list {
		cols, predicate, err := liteIndexDetails(ctx, d, ix.name)
		if err != nil {
			return err
		}
		f[indexFact(table, ix.name, ix.origin == "u", ix.unique, cols, predicate)] = true
	}
	return nil
}

// liteIndexDetails returns an index's key columns and its partial
// predicate, which SQLite keeps only in the CREATE INDEX text.
func liteIndexDetails(ctx context.Context, d *db.DB, name string) ([]string, string, error) {
	var cols []string
	err := each(ctx, d, `SELECT coalesce(name, '(expression)') FROM pragma_index_info(?) ORDER BY seqno`, []any{name}, func(r *sql.Rows) error {
		var col string
		err := r.Scan(&col)
		cols = append(cols, col)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	var text sql.NullString
	err = d.SQL.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, name).Scan(&text)
	if err != nil && err != sql.ErrNoRows {
		return nil, "", err
	}
	if m := whereRe.FindStringSubmatch(text.String); m != nil {
		return cols, strings.TrimSpace(m[1]), nil
	}
	return cols, "", nil
}

// liteForeignKeyFacts reads a table's foreign keys. A reference that names
// no column means the referenced table's primary key.
func liteForeignKeyFacts(ctx context.Context, d *db.DB, table string, f facts) error {
	type key struct {
		ref, onDelete string
		cols, to      []string
	}
	var keys []*key
	err := each(ctx, d, `SELECT id, "table", "from", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
		[]any{table}, func(r *sql.Rows) error {
			var id int
			var ref, from, to, onDelete string
			if err := r.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
				return err
			}
			if len(keys) <= id {
				keys = append(keys, &key{ref: ref, onDelete: onDelete})
			}
			k := keys[id]
			k.cols, k.to = append(k.cols, from), append(k.to, to)
			return nil
		})
	for _, k := range keys {
		if k.to[0] == "" {
			k.to = []string{"id"}
		}
		f[foreignKeyFact(table, k.cols, k.ref, k.to, k.onDelete)] = true
	}
	return err
}

func liteTriggerFacts(ctx context.Context, d *db.DB, f facts) error {
	return each(ctx, d, `SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'`, nil, func(r *sql.Rows) error {
		var table, name string
		if err := r.Scan(&table, &name); err != nil {
			return err
		}
		if !ignoredTable(table) {
			f[triggerFact(table, name)] = true
		}
		return nil
	})
}
