package roster

import (
	"context"
	"reflect"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// TestFirstImportCountsEqualARecount checks that the counts a first import
// stores from the reader's tally are those a full recount of the stored
// rows gives.
func TestFirstImportCountsEqualARecount(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		for _, name := range []string{"minors.csv", "semicolon_fr.csv", "ambiguous_region.csv", "phones.csv"} {
			b := seedBreach(t, d, "c-"+name[:5])
			if _, err := runFile(t, newImporter(t, d), b, name, RunOptions{}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			tallied, err := Counts(context.Background(), d.Gorm, b)
			if err != nil {
				t.Fatal(err)
			}
			if tallied.People == 0 {
				t.Fatalf("%s: no people counted", name)
			}
			if err := refreshCounts(context.Background(), d.Gorm, b); err != nil {
				t.Fatal(err)
			}
			recounted, err := Counts(context.Background(), d.Gorm, b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tallied, recounted) {
				t.Errorf("%s: tallied %+v, recounted %+v", name, tallied, recounted)
			}
		}
	})
}
