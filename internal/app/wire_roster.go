package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/roster"
	"github.com/breachline/breachline/internal/rosterfile"
)

// wireRoster builds the roster import: the importer (re-evaluating the
// breach's obligations in each import's transaction), the service behind
// the API and the CLI, and the import worker.
func (a *App) wireRoster(context.Context) error {
	im := roster.NewImporter(a.DB, roster.Deps{Breaches: a.Breaches, Orgs: auth.Reader{}, Changed: a.Obligations},
		filepath.Join(a.Cfg.DataDir, "tmp"), a.Log)
	im.Limits = rosterfile.Limits{MaxCellBytes: a.Cfg.RosterMaxCellBytes, MaxColumns: a.Cfg.RosterMaxColumns,
		MaxRowBytes: a.Cfg.RosterMaxRowBytes, MaxExpandedBytes: a.Cfg.RosterMaxXLSXExpandedBytes,
		MaxCompressionRatio: a.Cfg.RosterMaxXLSXRatio}
	im.MaxRows = a.Cfg.RosterMaxRows
	jobs, err := a.InsertOnlyJobs()
	if err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	svc := roster.NewService(a.DB, im, jobs)
	a.Roster = svc
	a.workerFn = append(a.workerFn, func(w *river.Workers) {
		river.AddWorker(w, &roster.ImportWorker{Service: svc})
		river.AddWorker(w, &roster.RescueWorker{Service: svc})
	})
	a.periodic = append(a.periodic, roster.RescuePeriodic())
	return nil
}
