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
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/audit/trail"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
)

// wireAudit keys the audit chain (before anything can write an entry),
// seals the chains written before it was keyed, and builds the trail
// service and the watch that verifies and checkpoints the chains.
func (a *App) wireAudit(ctx context.Context) error {
	secret, err := a.localKey(a.Cfg.AuditKey, "audit.key")
	if err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	key, err := audit.NewKey(secret)
	if err != nil {
		return fmt.Errorf("BREACHLINE_AUDIT_KEY: %w", err)
	}
	if err := audit.UseKey(a.DB.Gorm, key); err != nil {
		return err
	}
	if _, err := audit.SealUnkeyed(ctx, a.DB.Gorm); err != nil {
		return err
	}
	a.AuditKey = key
	a.Trail = trail.NewService(a.DB.Gorm, breachOrgs{a}, breachRecords{a}, a.Cfg.BaseURL)
	return nil
}

// wireAuditWatch registers the job that verifies and checkpoints the
// chains (it e-mails, so it waits for the mail sender).
func (a *App) wireAuditWatch(context.Context) error {
	w := a.AuditWatch()
	a.workerFn = append(a.workerFn, func(ws *river.Workers) { river.AddWorker(ws, &audit.WatchWorker{Watch: w}) })
	a.periodic = append(a.periodic, audit.WatchPeriodic(a.Cfg.AuditVerifyEvery))
	return nil
}

// AuditWatch is the verification and checkpointing of the audit chains
// as the periodic job runs it.
func (a *App) AuditWatch() *audit.Watch {
	return &audit.Watch{DB: a.DB.Gorm, Dir: a.Cfg.CheckpointDir(), Installation: a.Cfg.BaseURL, Operators: a.Cfg.Operators,
		Mail: a.Mail, CheckpointEvery: a.Cfg.AuditCheckpointEvery, Log: a.Log}
}

// breachOrgs checks a caller's access to a breach for the trail.
type breachOrgs struct{ a *App }

func (o breachOrgs) OrganizationOf(ctx context.Context, p *auth.Principal, breachID int64, perm auth.Permission) (int64, error) {
	b, err := breach.Reader{}.Access(ctx, o.a.DB.Gorm, p, breachID, perm)
	return b.OrganizationID, err
}

// breachRecords names the records of a breach that audit entries point
// at. Five packages own them; the composition root is the one place that
// may read all five, and the ids are all the trail needs.
type breachRecords struct{ a *App }

func (r breachRecords) BreachRecords(ctx context.Context, breachID int64) (map[string][]string, error) {
	queries := map[string]string{
		"obligation": "SELECT id FROM obligations WHERE breach_id = ?",
		"document":   "SELECT id FROM documents WHERE breach_id = ?",
		"campaign":   "SELECT id FROM campaigns WHERE breach_id = ?",
		"import":     "SELECT id FROM imports WHERE breach_id = ?",
		// Only people whose review was decided have entries of their own.
		"person": "SELECT id FROM affected_people WHERE breach_id = ? AND review <> ''",
	}
	out := map[string][]string{}
	for typ, q := range queries {
		var ids []int64
		if err := r.a.DB.Gorm.WithContext(ctx).Raw(q, breachID).Scan(&ids).Error; err != nil {
			return nil, fmt.Errorf("records of breach %d: %w", breachID, err)
		}
		for _, id := range ids {
			out[typ] = append(out[typ], strconv.FormatInt(id, 10))
		}
	}
	return out, nil
}

// localKey is a secret setting, or with SQLite a key kept in the data
// directory under name (made on first start, readable by the service's
// user only).
func (a *App) localKey(setting, name string) ([]byte, error) {
	if setting != "" {
		return []byte(setting), nil
	}
	path := filepath.Join(a.Cfg.DataDir, name)
	raw, err := os.ReadFile(path) // #nosec G304 -- a fixed file name in the configured data directory
	if err == nil {
		return []byte(strings.TrimSpace(string(raw))), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make a key: %w", err)
	}
	key := hex.EncodeToString(b)
	if err := os.MkdirAll(a.Cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- as above
	if errors.Is(err, fs.ErrExist) {
		return a.localKey(setting, name) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return []byte(key), f.Close()
}
