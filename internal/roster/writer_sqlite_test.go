package roster

import (
	"context"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestJSONBRowsReadBackExactly encodes rows as the SQLite writer does and
// reads every value back through jsonb_each and ->>, with text that JSON
// would have to escape and payloads that need each header size.
func TestJSONBRowsReadBackExactly(t *testing.T) {
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
