package roster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rosterfile"
)

// FactsChanged is told, inside the transaction of every change to a
// breach's roster (an import, a review decision), that the breach's facts
// changed: the obligations service re-evaluates the breach there, so the
// per-region counts and the duties they decide commit together.
type FactsChanged interface {
	BreachChanged(ctx context.Context, tx *gorm.DB, breachID int64, cause string) error
}

// BreachReader is what the roster reads of breaches (breach.Reader).
type BreachReader interface {
	Access(ctx context.Context, tx *gorm.DB, p *auth.Principal, id int64, perm auth.Permission) (breach.Breach, error)
	HoldForImport(ctx context.Context, tx *gorm.DB, d db.Dialect, id int64) (breach.Breach, error)
	CategoryList(ctx context.Context, tx *gorm.DB) ([]breach.Category, error)
	Summaries(ctx context.Context, tx *gorm.DB, ids []int64) (map[int64]breach.Summary, error)
}

// OrgReader is what the roster reads of organizations (auth.Reader).
type OrgReader interface {
	OrganizationByID(ctx context.Context, tx *gorm.DB, id int64) (auth.Organization, error)
}

// Deps are the readers of the tables other packages own and the change
// seam; every one is required.
type Deps struct {
	Breaches BreachReader
	Orgs     OrgReader
	Changed  FactsChanged
}

// Importer loads roster files into the database: every accepted row or none,
// rejects stored with the import, duplicates flagged, counts refreshed and
// the obligations re-evaluated in the same transaction.
type Importer struct {
	DB   *db.DB
	Deps Deps
	// TempDir holds the spooled rejects while a file is read (default: the OS's).
	TempDir string
	// Now gives the reference date for minors and the timestamps.
	Now func() time.Time
	// Limits bound the cells, rows and workbooks of the files read; zero
	// fields take rosterfile's defaults.
	Limits rosterfile.Limits
	// MaxRows bounds the rows of one file, accepted and rejected together
	// (zero: no bound): a larger file is refused whole.
	MaxRows int64
	Log     *slog.Logger
	// plainInsert makes SQLite imports store their rows with plain INSERT
	// statements, the fallback of the JSONB batches (for tests).
	plainInsert bool
}

// NewImporter builds an importer; every dependency is required.
func NewImporter(d *db.DB, deps Deps, tempDir string, log *slog.Logger) *Importer {
	if deps.Breaches == nil || deps.Orgs == nil || deps.Changed == nil {
		panic("roster.NewImporter: the breach and organization readers and the change seam are required")
	}
	return &Importer{DB: d, Deps: deps, TempDir: tempDir, Log: log}
}

// RunOptions tune one run of an import.
type RunOptions struct {
	// Progress, when set, is called from the reading goroutine as rows are
	// read and once at the end; it may cancel the run's context.
	Progress func(Progress)
	// ProgressEvery calls Progress every so many rows instead of every 250 ms.
	ProgressEvery int
	// Size is the file's size in bytes, for the ETA (0 when unknown).
	Size int64
	// Rejects, when set, receives every reject as it is found.
	Rejects *RejectsWriter
	// Actor and RequestID name who started the import in the audit log.
	Actor     *auth.Principal
	RequestID string
}

// ErrDuplicateFile is wrapped by the conflict returned when the same file
// (by SHA-256) has already been imported into the breach.
var ErrDuplicateFile = errors.New("this file has already been imported into the breach")

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now().UTC()
	}
	return time.Now().UTC()
}

func (im *Importer) log() *slog.Logger {
	if im.Log != nil {
		return im.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Run imports src as the queued import imp. Run again after a failure or a
// crash, it starts from the beginning; run after the import is done, it
// returns the stored result without reading src.
func (im *Importer) Run(ctx context.Context, imp *Import, src io.Reader, opts RunOptions) (Result, error) {
	owner, err := im.claim(ctx, imp.ID)
	if err != nil {
		return Result{}, err
	}
	stop := im.holdLease(ctx, imp.ID, owner)
	defer stop()
	var res Result
	err = im.inTx(ctx, func(tx *gorm.DB, w peopleWriter) error {
		var err error
		res, err = im.load(ctx, tx, w, imp, src, opts, false)
		return err
	})
	if err != nil {
		im.markFailed(ctx, imp.ID, err)
		return Result{}, err
	}
	return res, nil
}

// ErrHeld is returned by Run when another worker is running the import
// and its lease has not lapsed.
var ErrHeld = errors.New("another worker is running this import")

// claim marks the import running under a lease held by a new owner name;
// an import already done, or running under a live lease, is not taken.
func (im *Importer) claim(ctx context.Context, id int64) (string, error) {
	now := im.now()
	owner := workerName()
	set := map[string]any{"status": StatusRunning, "started_at": now, "error": "", "claimed_by": owner, "lease_until": nil}
	if !im.DB.SingleWriter() {
		set["lease_until"] = now.Add(importLease)
	}
	res := im.DB.Gorm.WithContext(ctx).Model(&Import{}).Where("id = ? AND status <> ?", id, StatusDone).
		Where("NOT (status = ? AND lease_until IS NOT NULL AND lease_until > ?)", StatusRunning, now).Updates(set)
	if res.Error != nil {
		return "", fmt.Errorf("import %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return "", fmt.Errorf("import %d: %w", id, ErrHeld)
	}
	return owner, nil
}

// holdLease renews the import's lease until stop is called. SQLite's one
// writer is the import's own until it commits, so there the lease is not
// kept: a single process holds an SQLite database, and a restarted one
// queues its interrupted imports again (RecoverInterrupted).
func (im *Importer) holdLease(ctx context.Context, id int64, owner string) (stop func()) {
	if im.DB.SingleWriter() {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(importLease / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := im.DB.Gorm.WithContext(ctx).Model(&Import{}).Where("id = ? AND claimed_by = ? AND status = ?", id, owner, StatusRunning).
					Update("lease_until", im.now().Add(importLease)).Error
				if err != nil && ctx.Err() == nil {
					im.log().Warn("import lease not renewed", slog.Int64("import", id), slog.String("error", err.Error()))
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// workerName names a worker in the imports table: host, process and a
// random part, unique per run.
func workerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return host + ":" + strconv.Itoa(os.Getpid()) + ":" + hex.EncodeToString(b)
}

// DryRun reads src into a breach as an import would, reports what it would
// store, and rolls everything back.
func (im *Importer) DryRun(ctx context.Context, imp *Import, src io.Reader, opts RunOptions) (Result, error) {
	var res Result
	err := im.inTx(ctx, func(tx *gorm.DB, w peopleWriter) error {
		imp.ID, imp.Status, imp.CreatedAt = 0, StatusRunning, im.now()
		if err := tx.WithContext(ctx).Create(imp).Error; err != nil {
			return fmt.Errorf("dry run: %w", err)
		}
		var err error
		if res, err = im.load(ctx, tx, w, imp, src, opts, true); err != nil {
			return err
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	return Result{}, err
}

// inTx runs fn in a transaction with the people writer for the database:
// COPY on a connection pinned to the transaction where the database has it,
// else the SQLite writer.
func (im *Importer) inTx(ctx context.Context, fn func(tx *gorm.DB, w peopleWriter) error) error {
	if !im.DB.SupportsCopy() {
		return im.DB.Tx(ctx, func(tx *gorm.DB) error { return fn(tx, im.sqliteWriter(ctx, tx)) })
	}
	return im.DB.TxOnConn(ctx, func(tx *gorm.DB, conn *sql.Conn) error { return fn(tx, copyWriter(im.DB, conn)) })
}

// markFailed records why a run committed nothing; a cancelled run says so.
func (im *Importer) markFailed(ctx context.Context, id int64, cause error) {
	status, msg := StatusFailed, PublicError(cause)
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		status, msg = StatusCancelled, "the import was interrupted; nothing was stored"
	}
	if IsInternal(cause) {
		im.log().Error("roster import failed", slog.Int64("import", id), slog.String("error", cause.Error()))
	}
	err := im.DB.Gorm.WithContext(context.WithoutCancel(ctx)).Model(&Import{}).
		Where("id = ? AND status <> ?", id, StatusDone).
		Updates(map[string]any{"status": status, "error": msg, "finished_at": im.now()}).Error
	if err != nil {
		im.log().Error("roster import: recording the failure", slog.Int64("import", id), slog.String("error", err.Error()))
	}
}

// PublicError is the message about a failed import that is safe to show:
// the file's problem, the duplicate file, or a generic internal error.
func PublicError(err error) string {
	var fatal *FatalError
	var conflict *errs.Conflict
	switch {
	case errors.As(err, &fatal):
		return fatal.Error()
	case errors.As(err, &conflict):
		return conflict.Message
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "the import was interrupted; nothing was stored"
	}
	return "internal error while importing; nothing was stored"
}

// IsInternal reports whether err is neither a problem of the file, nor a
// refused duplicate, nor an interruption.
func IsInternal(err error) bool {
	var fatal *FatalError
	return !errors.As(err, &fatal) && !errors.Is(err, errs.ErrConflict) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// lockImport serialises runs of the same import across processes (a
// rescued job and a slow first attempt) and returns its current row.
func lockImport(ctx context.Context, tx *gorm.DB, id int64) (Import, error) {
	if err := db.AdvisoryXactLock(ctx, tx, rosterLockClass, id); err != nil {
		return Import{}, fmt.Errorf("lock import %d: %w", id, err)
	}
	var cur Import
	if err := tx.WithContext(ctx).Take(&cur, id).Error; err != nil {
		return Import{}, notFoundAs(err, "import", id)
	}
	return cur, nil
}

// lockBreachRoster makes imports into one breach commit one after another:
// each looks for duplicates among the people already committed, so two
// imports running side by side would not see each other's rows. (SQLite's
// single writer already serialises them.)
func lockBreachRoster(ctx context.Context, tx *gorm.DB, breachID int64) error {
	if err := db.AdvisoryXactLock(ctx, tx, breachLockClass, breachID); err != nil {
		return fmt.Errorf("lock roster of breach %d: %w", breachID, err)
	}
	return nil
}

// rosterLockClass is the first key of the advisory locks taken on imports;
// breachLockClass that of the locks taken on a breach's roster.
const (
	rosterLockClass = 0x526f7374
	breachLockClass = 0x526f7342
)

// openSpool creates the rejects spool in the importer's temporary directory.
func (im *Importer) openSpool() (*rejectSpool, error) {
	dir := im.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("rejects spool: %w", err)
	}
	return newRejectSpool(dir)
}
