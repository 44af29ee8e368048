package roster

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

// One decision moves the row's share of the stored counts instead of
// recounting the roster; after any sequence of decisions the counts must be
// exactly what a recount gives.
func TestReviewDecisionsKeepCountsEqualToARecount(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		b := seedBreach(t, d, "acme")
		im := newImporter(t, d)
		svc := &Service{DB: d, Importer: im}
		var org int64
		d.Gorm.Raw("SELECT organization_id FROM breaches WHERE id = ?", b).Scan(&org)
		p := &auth.Principal{User: auth.User{ID: 1, Email: "po@acme.example"}, Memberships: map[int64]auth.Role{org: auth.RolePrivacyOfficer}, Via: "cli"}
		first := "name,email,province,language,date of birth,guardian email\n" +
			"Ann Lee,ann@example.com,ON,en,,\n" +
			"Bo Ng,bo@example.com,QC,fr,2015-04-01,parent@example.com\n" +
			"Cy Oh,cy@example.com,BC,en,,\n"
		// The same people again (flagged by e-mail), in other regions and
		// languages, and one new person.
		second := "name,email,province,language,date of birth,guardian email\n" +
			"Ann Lee,ANN@example.com,AB,fr,,\n" +
			"Bo Ng,BO@example.com,ON,en,2015-04-01,parent@example.com\n" +
			"Cy Oh,CY@example.com,QC,fr,,\n" +
			"Di Wu,di@example.com,NS,en,,\n"
		for i, file := range []string{first, second} {
			if _, err := im.Run(context.Background(), queue(t, d, b, "f"+string(rune('a'+i))+".csv", ""), strings.NewReader(file), RunOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		var flagged []int64
		d.Gorm.Raw("SELECT id FROM affected_people WHERE breach_id = ? AND review = ? ORDER BY id", b, ReviewDuplicate).Scan(&flagged)
		if len(flagged) != 3 {
			t.Fatalf("flagged %v", flagged)
		}
		steps := []struct {
			row      int
			decision string
		}{{0, ReviewDistinct}, {1, ReviewConfirmed}, {1, ReviewDistinct}, {2, ReviewDistinct}, {0, ReviewConfirmed}, {2, ReviewDistinct}}
		for i, s := range steps {
			if _, err := svc.ReviewPerson(context.Background(), p, "test", flagged[s.row], ReviewDecision{Decision: s.decision}); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			moved, err := Counts(context.Background(), d.Gorm, b)
			if err != nil {
				t.Fatal(err)
			}
			if err := RefreshCounts(context.Background(), d.Gorm, b); err != nil {
				t.Fatal(err)
			}
			recount, _ := Counts(context.Background(), d.Gorm, b)
			if !reflect.DeepEqual(moved, recount) {
				t.Fatalf("step %d (%s): counts moved to %+v, a recount gives %+v", i, s.decision, moved, recount)
			}
		}
		final, _ := Counts(context.Background(), d.Gorm, b)
		// Ann's second row confirmed; Bo's (a minor) and Cy's declared distinct.
		if final.People != 6 || final.Minors != 2 || final.Duplicates != 1 || final.AwaitingReview != 0 || final.Regions["CA-QC"] != 2 {
			t.Fatalf("final counts %+v", final)
		}
	})
}
