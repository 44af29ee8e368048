package roster

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestImportPointsDuplicatesAtTheFirstPerson checks, within one file, that a
// shared email wins over a shared name and address, that the first person
// with a key is never flagged (even when a later key is shared), and that
// the counts leave the flagged rows out.
func TestImportPointsDuplicatesAtTheFirstPerson(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		file := "name,email,address,postal code,country\n" +
			"Ann Lee,ann@example.com,1 Main St,K1A 0B1,CA\n" + // row 2: first
			"Bo Ng,bo@example.com,2 Elm St,K1A 0B1,CA\n" + // row 3: first
			"Ann Lee,bo@example.com,1 Main St,K1A 0B1,CA\n" + // row 4: email of row 3 wins over name of row 2
			"ann lee,,1 MAIN ST,K1A0B1,CA\n" + // row 5: name and address of row 2
			"Cy Oh,ANN@example.com,3 Pine St,K1A 0B1,CA\n" + // row 6: email of row 2
			"Di Fu,di@example.com,4 Oak St,K1A 0B1,CA\n" // row 7: unique
		imp := queue(t, d, b, "dups.csv", "")
		res, err := im.Run(context.Background(), imp, strings.NewReader(file), RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Duplicates != 3 {
			t.Fatalf("duplicates %d, want 3", res.Duplicates)
		}
		type row struct {
			RowNumber   int64
			DuplicateOf *int64
			Review      string
			ID          int64
		}
		var rows []row
		err = d.Gorm.Raw("SELECT id, row_number, duplicate_of, review FROM affected_people WHERE breach_id = ? ORDER BY row_number", b).
			Scan(&rows).Error
		if err != nil || len(rows) != 6 {
			t.Fatalf("rows %+v %v", rows, err)
		}
		idOf := map[int64]int64{}
		for _, r := range rows {
			idOf[r.RowNumber] = r.ID
		}
		want := map[int64]int64{4: 3, 5: 2, 6: 2}
		for _, r := range rows {
			target, dup := want[r.RowNumber]
			switch {
			case dup && (r.DuplicateOf == nil || *r.DuplicateOf != idOf[target] || r.Review != ReviewDuplicate):
				t.Errorf("row %d: duplicate_of %v review %q, want row %d's id %d", r.RowNumber, r.DuplicateOf, r.Review, target, idOf[target])
			case !dup && (r.DuplicateOf != nil || r.Review != ""):
				t.Errorf("row %d: flagged (%v, %q), want not", r.RowNumber, r.DuplicateOf, r.Review)
			}
		}
		c, err := Counts(context.Background(), d.Gorm, b)
		if err != nil || c.People != 3 || c.Duplicates != 3 || sum(c.Regions) != 3 || sum(c.Languages) != 3 || sum(c.Channels) != 3 {
			t.Fatalf("counts %+v %v", c, err)
		}
	})
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// On SQLite, which joins only in nested loops, every lookup of an import's
// row among the shared keys must go through an index: a scan there made a
// repeated file quadratic (a 200,000-row repeat ran for hours).
func TestFlaggingSearchesSharedKeysByIndexOnSQLite(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	b := seedBreach(t, d, "acme")
	im := newImporter(t, d)
	file := "name,email,address,postal code,country\nAnn Lee,ann@example.com,1 Main St,K1A 0B1,CA\nAnn Lee,ANN@example.com,1 Main St,K1A 0B1,CA\n"
	res, err := im.Run(context.Background(), queue(t, d, b, "dups.csv", ""), strings.NewReader(file), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Gorm.Transaction(func(tx *gorm.DB) error {
		shared, drop, err := collectSharedKeys(context.Background(), tx, b, res.ImportID)
		defer drop()
		if err != nil || shared == 0 {
			t.Fatalf("shared keys %d: %v", shared, err)
		}
		rows, err := tx.Raw("EXPLAIN QUERY PLAN "+flagSharedSQL, ReviewDuplicate, b, int64(1)).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return err
			}
			plan = append(plan, detail)
		}
		joined := strings.Join(plan, "\n")
		for _, alias := range []string{"e", "n"} {
			if !strings.Contains(joined, "SEARCH "+alias+" USING INDEX roster_shared_keys_") {
				t.Errorf("shared keys %s are not searched by index:\n%s", alias, joined)
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
