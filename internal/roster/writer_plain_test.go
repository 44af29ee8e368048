package roster

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// The same file imported through the JSONB batches and through plain
// INSERTs, each into a fresh SQLite database, stores identical rows: every
// column of every row, with its type, byte for byte.
func TestPlainInsertStoresWhatJSONBStores(t *testing.T) {
	t.Parallel()
	file := variedRoster(2_600)
	var stored [2][][]string
	for i, plain := range []bool{false, true} {
		d := dbtest.Open(t, db.SQLite)
		b := seedBreach(t, d, "same")
		im := newImporter(t, d)
		im.plainInsert = plain
		res, err := im.Run(context.Background(), queue(t, d, b, "varied.csv", ""), strings.NewReader(file), RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted < 2_500 || res.Rejected == 0 {
			t.Fatalf("plain %v: the file should store most rows and reject a few: %+v", plain, res)
		}
		stored[i] = storedRows(t, d)
	}
	jsonb, plain := stored[0], stored[1]
	if len(jsonb) != len(plain) {
		t.Fatalf("JSONB stored %d rows, plain INSERTs %d", len(jsonb), len(plain))
	}
	for r := range jsonb {
		for c := range jsonb[r] {
			if jsonb[r][c] != plain[r][c] {
				t.Fatalf("row %d: JSONB stored %s, plain INSERTs %s", r, jsonb[r][c], plain[r][c])
			}
		}
	}
}

// A writer the engine cannot use is never chosen: without the test's
// switch, an SQLite with JSONB gets the JSONB batches.
func TestSQLiteWriterPrefersJSONB(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	ok := readsJSONB(context.Background(), d.Gorm)
	if !ok {
		t.Fatal("the embedded SQLite reads JSONB: the fast path must be in use")
	}
	if len(personColumns) > maxShapeColumns {
		t.Fatalf("%d columns do not fit a batch shape", len(personColumns))
	}
}

// storedRows reads every column of affected_people, as type:literal text
// (SQLite's typeof and quote), in id order.
func storedRows(t *testing.T, d *db.DB) [][]string {
	t.Helper()
	var cols []string
	if err := d.Gorm.Raw("SELECT name FROM pragma_table_info('affected_people') ORDER BY cid").Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = "typeof(" + c + ") || ':' || quote(" + c + ")"
	}
	rows, err := d.SQL.Query("SELECT " + strings.Join(exprs, ", ") + " FROM affected_people ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i := range vals {
			vals[i] = cols[i] + "=" + vals[i]
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// variedRoster writes a roster whose columns take every route a JSONB
// batch has (in the JSON, one value for the whole batch, a copy of another
// column, the default) and change route from one batch to the next: the
// language is the same in the first thousand rows only; minors with
// guardians, data categories, attributes with quotes, backslashes, line
// breaks and accents; and a few rows that are rejected.
func variedRoster(rows int) string {
	var b strings.Builder
	b.WriteString("id,name,email,phone,address,city,province,postal code,country,language,date of birth,guardian email,categories,notes\n")
	for i := range rows {
		lang := "fr"
		if i >= 1000 {
			lang = []string{"en", "fr", "es"}[i%3]
		}
		email, phone, dob, guardian, cats, notes := "", "", "", "", "", ""
		if i%3 != 0 {
			email = fmt.Sprintf("p%d@Example.com", i)
		}
		if i%2 == 0 {
			phone = fmt.Sprintf("(613) 555-%04d", i%10000)
		}
		if i%50 == 0 {
			dob, guardian = "2012-03-04", fmt.Sprintf("parent%d@example.com", i)
		}
		if i%7 == 0 {
			cats = "email; health"
		}
		if i%11 == 0 {
			notes = fmt.Sprintf(`"said ""hi"" \ élan
line %d"`, i)
		}
		if i%400 == 399 {
			email = "not an address"
		}
		fmt.Fprintf(&b, "%d,Person %d,%s,%s,%d rue Principale,Ottawa,ON,K1A 0B1,CA,%s,%s,%s,%s,%s\n",
			i, i, email, phone, i%90, lang, dob, guardian, cats, notes)
	}
	return b.String()
}
