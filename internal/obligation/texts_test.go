package obligation

import (
	"context"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/rules"
)

func frenchCatalogue(t testing.TB) *rules.Catalogue {
	t.Helper()
	fr, err := rules.LoadDefaultLang("fr")
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

// Obligations evaluated before the French catalogue was there get their
// French words from FillFrench, without a history row; every later
// evaluation keeps them, and In("fr") reads them.
func TestFrenchWordsAreKeptAndFilled(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.people("CA-ON", 2)
		f.reevaluate("test")
		o, ok := f.obligation("ON-PHIPA-IPC")
		if !ok {
			t.Fatal("no ON-PHIPA-IPC duty")
		}
		if o.French != nil || o.In("fr").Explanation != o.Explanation {
			t.Fatalf("French words before any French evaluation: %+v", o.French)
		}
		before := len(f.history(o.ID))

		f.s.deps.French = frenchCatalogue(t)
		n, err := f.s.FillFrench(context.Background())
		if err != nil || n == 0 {
			t.Fatalf("fill: %d, %v", n, err)
		}
		o, _ = f.obligation("ON-PHIPA-IPC")
		fr := o.In("fr")
		if o.French == nil || !strings.HasPrefix(fr.Explanation, "S'applique") && !strings.HasPrefix(fr.Explanation, "Ne s'applique pas") && !strings.HasPrefix(fr.Explanation, "Indéterminé") {
			t.Fatalf("French explanation: %q", fr.Explanation)
		}
		if fr.Recipient.Name == o.Recipient.Name || fr.DueAt != o.DueAt || fr.Status != o.Status {
			t.Fatalf("In(fr) changed more than the words, or not the recipient: %q", fr.Recipient.Name)
		}
		if got := len(f.history(o.ID)); got != before {
			t.Fatalf("filling the French words wrote %d history rows", got-before)
		}
		if n, err := f.s.FillFrench(context.Background()); err != nil || n != 0 {
			t.Fatalf("second fill: %d, %v", n, err)
		}

		f.people("CA-ON", 1)
		f.reevaluate("roster")
		o, _ = f.obligation("ON-PHIPA-IPC")
		if o.French == nil || o.In("fr").Explanation == o.Explanation {
			t.Fatal("re-evaluation lost the French words")
		}
	})
}
