// Package jobs runs Breachline's background work on River, on either
// database. Workers are registered by the composition root; this package owns
// the client's configuration and the housekeeping jobs.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/breachline/breachline/internal/db"
)

// Client is River's client over database/sql transactions.
type Client = river.Client[*sql.Tx]

// Options configures a client.
type Options struct {
	// Workers is the number of jobs run at once; zero makes an insert-only client.
	Workers  int
	Logger   *slog.Logger
	Periodic []*river.PeriodicJob
}

// NewClient builds a River client for d. riverdatabasesql has no LISTEN/
// NOTIFY, so the poll interval is short to keep pickup latency low.
func NewClient(d *db.DB, workers *river.Workers, opts Options) (*Client, error) {
	cfg := &river.Config{
		Logger:               opts.Logger,
		FetchPollInterval:    250 * time.Millisecond,
		FetchCooldown:        50 * time.Millisecond,
		JobTimeout:           30 * time.Minute,
		PeriodicJobs:         opts.Periodic,
		RescueStuckJobsAfter: time.Hour,
	}
	if opts.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
		cfg.Workers = workers
	}
	var drv riverdriver.Driver[*sql.Tx]
	if d.Dialect == db.Postgres {
		drv = riverdatabasesql.New(d.SQL)
	} else {
		drv = riversqlite.New(d.SQL)
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// Run starts the client and blocks until ctx is cancelled, then stops it,
// letting running jobs finish within grace.
func Run(ctx context.Context, c *Client, grace time.Duration) error {
	if err := c.Start(ctx); err != nil {
		if ctx.Err() != nil {
			// Stopped while starting (a SIGTERM right after start): a clean
			// stop, not a failure.
			return nil
		}
		return fmt.Errorf("start workers: %w", err)
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := c.Stop(stopCtx); err != nil {
		return fmt.Errorf("stop workers: %w", err)
	}
	return nil
}
