package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
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
		RegionGroups: a.Rules.Vocabulary.RegionGroups, Log: a.Log,
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
func (a *App) secretKey() ([]byte, error) {
	if a.Cfg.SecretKey != "" {
		return []byte(a.Cfg.SecretKey), nil
	}
	path := filepath.Join(a.Cfg.DataDir, "secret.key")
	raw, err := os.ReadFile(path)
	if err == nil {
		return []byte(strings.TrimSpace(string(raw))), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make a secret key: %w", err)
	}
	key := hex.EncodeToString(b)
	if err := os.MkdirAll(a.Cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return a.secretKey() // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return []byte(key), f.Close()
}
