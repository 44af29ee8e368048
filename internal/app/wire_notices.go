package app

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
	"github.com/breachline/breachline/internal/report"
	"github.com/breachline/breachline/internal/roster"
)

// wireNotices builds the notice service (templates, campaigns and the
// delivery ledger), its workers and the sweep that keeps campaigns moving.
func (a *App) wireNotices(context.Context) error {
	secret, err := a.secretKey()
	if err != nil {
		return err
	}
	keys, err := notice.NewKeys(secret)
	if err != nil {
		return err
	}
	jobs, err := a.InsertOnlyJobs()
	if err != nil {
		return fmt.Errorf("notices: %w", err)
	}
	svc, err := notice.NewService(a.DB, notice.Deps{
		Breaches: breach.Reader{}, Orgs: auth.Reader{}, People: roster.PeopleReader{}, Duties: a.Obligations,
		Mail: a.Mail, Jobs: jobs,
	}, keys, notice.Options{
		BaseURL: a.Cfg.BaseURL, MailFrom: a.Cfg.MailFrom, BounceAddress: a.Cfg.BounceAddress,
		PerSecond: a.Cfg.NoticePerSecond, PerHour: a.Cfg.NoticePerHour, MaxAttempts: a.Cfg.NoticeMaxAttempts, RetryBase: a.Cfg.NoticeRetryBase,
		PauseAfter: a.Cfg.NoticePauseAfter, Lease: a.Cfg.NoticeLease, LettersPerFile: a.Cfg.LettersPerFile,
		// A print file holds many letters of a few pages each.
		RenderLimits:  report.Limits{MaxPages: max(a.Cfg.RenderMaxPages, 12*a.Cfg.LettersPerFile)},
		RenderTimeout: a.Cfg.RenderTimeout,
		RegionGroups:  a.Rules.Vocabulary.RegionGroups, Operators: a.Cfg.Operators, Log: a.Log,
	})
	if err != nil {
		return err
	}
	a.Notices = svc
	a.workerFn = append(a.workerFn, func(w *river.Workers) { notice.AddWorkers(w, svc) })
	a.periodic = append(a.periodic, notice.SweepPeriodic())
	return nil
}

// secretKey is the installation's secret: the setting, or with SQLite a key
// kept in the data directory (made on first start, readable by the
// service's user only).
func (a *App) secretKey() ([]byte, error) { return a.localKey(a.Cfg.SecretKey, "secret.key") }
