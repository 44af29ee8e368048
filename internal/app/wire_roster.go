package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/roster/rosterweb"
)

// wireRoster builds the roster import: the importer (re-evaluating the
// breach's obligations in each import's transaction), the service behind
// the API and the CLI, the upload routes and the import worker.
func (a *App) wireRoster(context.Context) error {
	im := &roster.Importer{DB: a.DB, TempDir: filepath.Join(a.Cfg.DataDir, "tmp"), Log: a.Log}
	if a.Obligations != nil {
		im.Reevaluate = reevaluateFunc(func(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error {
			_, err := a.Obligations.Reevaluate(ctx, tx, breachID, cause)
			return err
		})
	}
	jobs, err := a.InsertOnlyJobs()
	if err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	svc := &roster.Service{DB: a.DB, Importer: im, Jobs: jobs}
	a.Roster = svc
	h := &rosterweb.Handlers{Svc: svc, UploadDir: filepath.Join(a.Cfg.DataDir, "uploads"), UploadLimit: a.Cfg.UploadLimit}
	a.routes = append(a.routes, h.Register)
	a.rosterUploads = h
	a.workerFn = append(a.workerFn, func(w *river.Workers) {
		river.AddWorker(w, &roster.ImportWorker{Service: svc})
	})
	return nil
}

// reevaluateFunc adapts a function to roster.Reevaluator.
type reevaluateFunc func(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error

// Reevaluate calls f.
func (f reevaluateFunc) Reevaluate(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error {
	return f(ctx, tx, breachID, cause)
}
