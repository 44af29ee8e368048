package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PurgeSessionsArgs asks for expired web sessions to be deleted.
type PurgeSessionsArgs struct{}

// Kind names the job.
func (PurgeSessionsArgs) Kind() string { return "purge_sessions" }

// SessionPurger deletes expired sessions (auth.Service).
type SessionPurger interface {
	PurgeSessions(ctx context.Context, now time.Time) (int64, error)
}

// PurgeSessionsWorker deletes sessions past their expiry.
type PurgeSessionsWorker struct {
	river.WorkerDefaults[PurgeSessionsArgs]
	Sessions SessionPurger
	Now      func() time.Time
}

// Work deletes expired sessions.
func (w *PurgeSessionsWorker) Work(ctx context.Context, _ *river.Job[PurgeSessionsArgs]) error {
	_, err := w.Sessions.PurgeSessions(ctx, w.Now())
	return err
}

// PurgeSessionsPeriodic runs the purge hourly.
func PurgeSessionsPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeSessionsArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
