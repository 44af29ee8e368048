package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

type noopArgs struct{}

func (noopArgs) Kind() string { return "noop" }

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// TestStopWhileStartingIsClean: a process told to stop while its workers
// are starting (a SIGTERM right after start) stops cleanly, without error.
func TestStopWhileStartingIsClean(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t, db.SQLite)
	w := river.NewWorkers()
	river.AddWorker(w, noopWorker{})
	c, err := NewClient(d, w, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, c, time.Second); err != nil {
		t.Fatalf("a stop while starting: %v", err)
	}
}
