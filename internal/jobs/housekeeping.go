package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// PurgeSessionsArgs asks for expired web sessions to be deleted.
type PurgeSessionsArgs struct{}

// Kind names the job.
func (PurgeSessionsArgs) Kind() string { return "purge_sessions" }

// PurgeSessionsWorker deletes sessions past their expiry.
type PurgeSessionsWorker struct {
	river.WorkerDefaults[PurgeSessionsArgs]
	DB  *gorm.DB
	Now func() time.Time
}

// Work deletes expired sessions.
func (w *PurgeSessionsWorker) Work(ctx context.Context, _ *river.Job[PurgeSessionsArgs]) error {
	if err := w.DB.WithContext(ctx).Exec("DELETE FROM sessions WHERE expires_at < ?", w.Now().UTC()).Error; err != nil {
		return fmt.Errorf("purge sessions: %w", err)
	}
	return nil
}

// PurgeSessionsPeriodic runs the purge hourly.
func PurgeSessionsPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeSessionsArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
