package reminder

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// Args asks for one reminder run.
type Args struct{}

// Kind names the job.
func (Args) Kind() string { return "obligation_reminders" }

// Worker runs the reminder job.
type Worker struct {
	river.WorkerDefaults[Args]
	Runner *Runner
	Now    func() time.Time
}

// Timeout bounds one run; a slower run leaves its claims to the next.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return 5 * time.Minute }

// Work sends the reminders due now.
func (w *Worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	_, err := w.Runner.Run(ctx, w.Now())
	return err
}

// Periodic schedules a run every minute. Several processes may run it;
// the claim table keeps each reminder to one sender.
func Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) {
			return Args{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}
