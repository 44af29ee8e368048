package roster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestJSONBRowsReadBackExactly encodes rows as the SQLite writer does and
// reads every value back through jsonb_each and ->>, with text that JSON
// would have to escape and payloads that need each header size.
func TestJSONBRowsReadBackExactly(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	texts := []string{"", "a", "eleven char", "twelve chars", `quote " and \ back`, "tab\tnew\nline\x01",
		"Québec — 東京", strings.Repeat("x", 255), strings.Repeat("y", 256), strings.Repeat("z", 70_000)}
	const cols = 8
	var values []any
	for i, s := range texts {
		values = append(values, s, int64(i*1_000_003-5), i%2 == 0, "k"+s, int64(-i), s+s, i%3 == 0, "")
	}
	mask := uint64(1<<cols - 1)
	rows := appendJSONBRows(nil, values, cols, mask)
	var exprs []string
	for j := range cols {
		exprs = append(exprs, "value ->> '$["+string(rune('0'+j/jsonGroup))+"]["+string(rune('0'+j%jsonGroup))+"]'")
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM jsonb_each(?) ORDER BY key"
	res, err := d.SQL.QueryContext(context.Background(), q, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	r := 0
	for ; res.Next(); r++ {
		var got [cols]any
		ptrs := make([]any, cols)
		for j := range ptrs {
			ptrs[j] = &got[j]
		}
		if err := res.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for j, want := range values[r*cols : (r+1)*cols] {
			if !sameValue(got[j], want) {
				t.Errorf("row %d column %d: got %#v, want %#v", r, j, clip(got[j]), clip(want))
			}
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if r != len(texts) {
		t.Fatalf("read %d rows, want %d", r, len(texts))
	}
}

// sameValue compares a value read from SQLite with the one encoded: text
// as text, integers as integers, booleans as 1 or 0.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case string:
		s, ok := got.(string)
		if b, isBytes := got.([]byte); isBytes {
			s, ok = string(b), true
		}
		return ok && s == w
	case int64:
		g, ok := got.(int64)
		return ok && g == w
	case bool:
		g, ok := got.(int64)
		return ok && (g == 1) == w && (g == 0 || g == 1)
	}
	return false
}

func clip(v any) any {
	if s, ok := v.(string); ok && len(s) > 40 {
		return s[:40] + "…"
	}
	return v
}

// TestBatchShapeStoresEveryValue stores batches whose columns take each
// route (JSON, a parameter for a value every row shares, a copy of an
// earlier column's value, the default) and
// reads back what every row holds, including a one-row batch in which
// every column is the same in every row.
func TestBatchShapeStoresEveryValue(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	breachID := seedBreach(t, d, "shape")
	imp := queue(t, d, breachID, "shape.csv", "")
	cols := len(personColumns)
	col := func(name string) int {
		for i, c := range personColumns {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	row := func(n int64, name string) []any {
		v := make([]any, cols)
		copy(v, defaults)
		v[col("row_number")], v[col("name")] = n, name
		v[col("country")], v[col("channel")], v[col("review")] = "CA", "email", "check \"this\""
		v[col("email")], v[col("email_original")] = name+"@example.ca", name+"@example.ca"
		v[col("postal_code")], v[col("postal_original")] = "K1A 0B1", name
		return v
	}
	batch := append(append(row(1, "Ann"), row(2, "Bob")...), row(3, "Chloé")...)
	shape := shapeOf(batch, cols)
	for name, want := range map[string]string{"row_number": "json", "name": "json", "country": "fixed",
		"review": "fixed", "channel": "fixed", "minor": "default", "city": "default", "email": "json",
		"email_original": "copy", "postal_code": "fixed", "postal_original": "copy"} {
		if got := route(shape, col(name)); got != want {
			t.Errorf("%s travels as %s, want %s", name, got, want)
		}
	}
	for _, b := range [][]any{batch, row(4, "Dev")} {
		s := shapeOf(b, cols)
		args := append([]any{appendJSONBRows(nil, b, cols, s.json), time.Now().UTC(), breachID, imp.ID}, s.fixedValues(b)...)
		if _, err := d.SQL.Exec(jsonInsertSQL(s), args...); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := d.SQL.Query(`SELECT row_number, name, country, channel, review, minor, city,
		email, email_original, postal_code, postal_original FROM affected_people
		WHERE import_id = ? ORDER BY row_number`, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n int64
		var name, country, channel, review, city, email, emailOrig, postal, postalOrig string
		var minor bool
		if err := rows.Scan(&n, &name, &country, &channel, &review, &minor, &city, &email, &emailOrig, &postal, &postalOrig); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %s %v %q %s %s %s %s", n, name, country, channel, review, minor, city,
			email, emailOrig, postal, postalOrig))
	}
	want := []string{`1 Ann CA email check "this" false "" Ann@example.ca Ann@example.ca K1A 0B1 Ann`,
		`2 Bob CA email check "this" false "" Bob@example.ca Bob@example.ca K1A 0B1 Bob`,
		`3 Chloé CA email check "this" false "" Chloé@example.ca Chloé@example.ca K1A 0B1 Chloé`,
		`4 Dev CA email check "this" false "" Dev@example.ca Dev@example.ca K1A 0B1 Dev`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// route names how the column travels in a batch of the shape.
func route(s batchShape, i int) string {
	switch {
	case s.json&(1<<i) != 0:
		return "json"
	case s.fixed&(1<<i) != 0:
		return "fixed"
	case s.copyOf[i] != 0:
		return "copy"
	}
	return "default"
}
