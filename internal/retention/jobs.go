package retention

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PurgeArgs asks for one run of the purge.
type PurgeArgs struct{}

// Kind names the job.
func (PurgeArgs) Kind() string { return "retention_purge" }

// PurgeWorker runs the purge as a River job, as the system.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Service *Service
}

// Work removes the contact data that is due.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	_, err := w.Service.Run(ctx, nil, 0, false)
	return err
}

// PurgePeriodic runs the purge daily and when the workers start.
func PurgePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
