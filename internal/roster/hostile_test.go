package roster

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/hostiletest"
)

// TestHostileTextIsInertInExports imports a roster whose names are the
// shared corpus of hostile strings, and whose e-mail addresses are too (so
// that they come back as rejects), on both databases: the roster export
// and the rejects file read back as CSV with every value in its own cell
// and no cell a spreadsheet would run as a formula.
func TestHostileTextIsInertInExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := seedBreach(t, d, "acme")
		var file bytes.Buffer
		w := csv.NewWriter(&file)
		w.Write([]string{"id", "name", "email", "province"})
		cases := hostiletest.Fitting()
		for i, c := range cases {
			w.Write([]string{fmt.Sprintf("N%02d", i), c.Text, fmt.Sprintf("person%02d@example.org", i), "ON"})
			w.Write([]string{fmt.Sprintf("E%02d", i), "Rejected person", c.Text, "ON"})
		}
		w.Flush()
		im := newImporter(t, d)
		imp := queue(t, d, b, "hostile.csv", "")
		res, err := im.Run(ctx, imp, bytes.NewReader(file.Bytes()), RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted < int64(len(cases))-2 || res.Rejected < int64(len(cases)) {
			t.Fatalf("import: %+v", res)
		}
		var export bytes.Buffer
		if err := ExportCSV(ctx, d.Gorm, b, &export); err != nil {
			t.Fatal(err)
		}
		rows := checkCSVInert(t, "roster export", export.Bytes())
		if rows != int(res.Accepted)+1 {
			t.Errorf("the export has %d records for %d people", rows, res.Accepted)
		}
		var rejects bytes.Buffer
		if err := WriteRejectsCSV(ctx, d.Gorm, imp.ID, &rejects); err != nil {
			t.Fatal(err)
		}
		checkCSVInert(t, "rejects", rejects.Bytes())
	})
}

// checkCSVInert reads a CSV back, every record as wide as the first, and
// fails on a cell a spreadsheet would run as a formula; it returns the
// number of records.
func checkCSVInert(t *testing.T, what string, data []byte) int {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: the CSV does not read back: %v", what, err)
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if !hostiletest.FormulaSafe(cell) {
				t.Errorf("%s: record %d, field %d is a formula: %.40q", what, i+1, j+1, cell)
			}
		}
	}
	return len(recs)
}
