package app_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/demo"
	"github.com/breachline/breachline/internal/roster"
)

// TestDemoShowsALivingProduct loads the demo data and checks what a first
// look at the product shows: signed-in users, breaches with timelines,
// roster counts that match the people stored, and obligations worked out.
func TestDemoShowsALivingProduct(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		l := demo.NewLoader(e.App.DB.Gorm, e.App.Auth, e.App.Breaches, e.App.Roster, time.Now())
		res, err := l.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Organizations != 4 || res.Breaches < 5 || res.People < 2000 || len(res.AdminPassword) < 12 {
			t.Fatalf("demo result: %+v", res)
		}
		if _, err := e.App.Auth.Authenticate(ctx, res.AdminEmail, res.AdminPassword); err != nil {
			t.Fatalf("printed admin password does not sign in: %v", err)
		}
		var ids []int64
		e.App.DB.Gorm.Raw("SELECT id FROM breaches ORDER BY id").Scan(&ids)
		total := int64(0)
		for _, id := range ids {
			var stored int64
			e.App.DB.Gorm.Raw("SELECT count(*) FROM affected_people WHERE breach_id = ?", id).Scan(&stored)
			c, err := roster.Counts(ctx, e.App.DB.Gorm, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.People != stored {
				t.Errorf("breach %d: counts say %d people, %d stored", id, c.People, stored)
			}
			total += stored
		}
		if total != int64(res.People) {
			t.Fatalf("%d people stored, demo reported %d", total, res.People)
		}
		var required, all int64
		e.App.DB.Gorm.Raw("SELECT count(*) FROM obligations").Scan(&all)
		e.App.DB.Gorm.Raw("SELECT count(*) FROM obligations WHERE required = ? AND considered = ?", true, true).Scan(&required)
		if all == 0 || required == 0 {
			t.Fatalf("demo breaches have %d obligations, %d required", all, required)
		}
		if _, err := l.Load(ctx); err == nil {
			t.Fatal("loading the demo twice was not refused")
		}
		// Demo people are imported people: exported and imported again into
		// the same breach, every one of them is flagged as a repeat and the
		// counts (and thresholds) do not grow.
		first := ids[0]
		before, _ := roster.Counts(ctx, e.App.DB.Gorm, first)
		var csv bytes.Buffer
		if err := roster.ExportCSV(ctx, e.App.DB.Gorm, first, &csv); err != nil {
			t.Fatal(err)
		}
		imp, err := roster.Queue(ctx, e.App.DB.Gorm, nil, first, roster.Upload{FileName: "again.csv"})
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.App.Roster.Importer.Run(ctx, &imp, &csv, roster.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		after, _ := roster.Counts(ctx, e.App.DB.Gorm, first)
		if again.Duplicates != again.Accepted || again.Accepted != before.People || after.People != before.People {
			t.Fatalf("the demo roster imported again: %+v; people %d before, %d after", again, before.People, after.People)
		}
	})
}
