package roster

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// ImportArgs asks a worker to run a queued import.
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
	// Restart counts the times the import was queued again after its
	// worker died, so that the new job is not taken for the dead one.
	Restart int `json:"restart,omitempty"`
}

// Kind names the job.
func (ImportArgs) Kind() string { return "roster_import" }

// ImportWorker runs queued imports. A crash or a shutdown mid-file rolls the
// transaction back, and River's retry starts the same import again from the
// first row; a file that can never be imported cancels the job.
type ImportWorker struct {
	river.WorkerDefaults[ImportArgs]
	Service *Service
}

// Work runs the import.
func (w *ImportWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	_, err := w.Service.RunQueued(ctx, job.Args.ImportID)
	if err == nil {
		return nil
	}
	if IsInternal(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return river.JobCancel(err)
}

// RescueArgs asks for the rescue of imports whose worker died.
type RescueArgs struct{}

// Kind names the job.
func (RescueArgs) Kind() string { return "roster_rescue" }

// RescueWorker runs the rescue.
type RescueWorker struct {
	river.WorkerDefaults[RescueArgs]
	Service *Service
}

// Work rescues, and removes the uploads no import will read.
func (w *RescueWorker) Work(ctx context.Context, _ *river.Job[RescueArgs]) error {
	if _, err := w.Service.RescueImports(ctx); err != nil {
		return err
	}
	_, err := w.Service.Uploads.PurgeUploads(ctx, time.Now().UTC())
	return err
}

// RescuePeriodic schedules the rescue, so a dead worker's import is
// started again within a minute.
func RescuePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(rescueEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return RescueArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: rescueEvery}}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}
