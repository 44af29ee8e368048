package roster

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
)

// ImportArgs asks a worker to run a queued import.
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
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
