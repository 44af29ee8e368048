package roster

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/rosterfile"
)

// A file past the importer's limits is refused whole: the import fails
// with a message naming the limit, row and column, and nothing is stored.
func TestImportRefusesAFilePastALimit(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		im.Limits = rosterfile.Limits{MaxCellBytes: 2048}
		file := "name,email,notes\nAnn,ann@example.com,short\nBo,bo@example.com," + strings.Repeat("n", 3000) + "\n"
		imp := queue(t, d, b, "long.csv", "")
		_, err := im.Run(context.Background(), imp, strings.NewReader(file), RunOptions{})
		if !errors.Is(err, rosterfile.ErrLimit) || IsInternal(err) {
			t.Fatalf("want a limit error, got %v", err)
		}
		var st Import
		d.Gorm.Take(&st, imp.ID)
		want := "row 3, column `notes`: a cell's text is larger than the limit of 2,048 bytes"
		if st.Status != StatusFailed || !strings.HasPrefix(st.Error, want) {
			t.Fatalf("import %s: %q, want failed: %q", st.Status, st.Error, want)
		}
		if n := peopleCount(t, d, b); n != 0 {
			t.Fatalf("%d people stored", n)
		}
	})
}

// The configuration's defaults are the reader's.
func TestConfigDefaultsAreTheReadersLimits(t *testing.T) {
	t.Parallel()
	c := config.Defaults()
	got := rosterfile.Limits{MaxCellBytes: c.RosterMaxCellBytes, MaxColumns: c.RosterMaxColumns, MaxRowBytes: c.RosterMaxRowBytes,
		MaxExpandedBytes: c.RosterMaxXLSXExpandedBytes, MaxCompressionRatio: c.RosterMaxXLSXRatio}
	if got != rosterfile.DefaultLimits() {
		t.Fatalf("configuration %+v, reader %+v", got, rosterfile.DefaultLimits())
	}
}
