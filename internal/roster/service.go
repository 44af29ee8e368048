package roster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
)

// JobInserter enqueues a job in the caller's transaction (a River client).
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Service is the roster as callers with a principal see it: every method
// checks the caller's permission in the breach's organization.
type Service struct {
	DB       *db.DB
	Importer *Importer
	// Jobs enqueues background imports.
	Jobs JobInserter
	// Uploads keeps uploaded files until their import is done.
	Uploads *UploadStore
	live    sync.Map // import id -> liveProgress, for imports running in this process
}

// NewService builds the roster service; every dependency is required.
func NewService(d *db.DB, im *Importer, jobs JobInserter) *Service {
	if im == nil || jobs == nil {
		panic("roster.NewService: importer and job queue are required")
	}
	return &Service{DB: d, Importer: im, Jobs: jobs, Uploads: &UploadStore{DB: d}}
}

// liveProgress is the latest progress of an import running here.
type liveProgress struct {
	orgID int64
	imp   Import
}

// BreachRef is a breach's id and organization.
type BreachRef struct {
	ID             int64
	OrganizationID int64
	Reference      string
}

// Authorize checks that p may do perm on the breach; another organization's
// breach is not found.
func (s *Service) Authorize(ctx context.Context, tx *gorm.DB, p *auth.Principal, breachID int64, perm auth.Permission) (BreachRef, error) {
	b, err := s.Importer.Deps.Breaches.Access(ctx, tx, p, breachID, perm)
	if err != nil {
		return BreachRef{}, err
	}
	return BreachRef{ID: b.ID, OrganizationID: b.OrganizationID, Reference: b.Reference}, nil
}

// CheckBreach is Authorize outside a transaction, for handlers that check
// the caller before they read an upload or start a download.
func (s *Service) CheckBreach(ctx context.Context, p *auth.Principal, breachID int64, perm auth.Permission) (BreachRef, error) {
	return s.Authorize(ctx, s.DB.Gorm, p, breachID, perm)
}

// Upload is a roster file received and stored (UploadStore), or a file
// of the command line, which the caller reads itself.
type Upload struct {
	// UploadID is the stored upload; Path, a file on this machine's disk
	// (imports queued before uploads were stored in the database).
	UploadID int64
	Path     string
	FileName string
	SHA256   string
	Size     int64
	Options  ImportOptions
}

// StartImport records a queued import of an uploaded file and enqueues the
// job that runs it, in one transaction. A file an import has already
// committed into the breach is refused (see Queue).
func (s *Service) StartImport(ctx context.Context, p *auth.Principal, requestID string, breachID int64, up Upload) (Import, error) {
	var imp Import
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		b, err := s.Authorize(ctx, tx, p, breachID, auth.Write)
		if err != nil {
			return err
		}
		if imp, err = Queue(ctx, tx, p, breachID, up); err != nil {
			return err
		}
		details := map[string]any{"breach_id": breachID, "file_name": up.FileName, "sha256": up.SHA256, "bytes": up.Size}
		if err := auth.Audit(ctx, tx, p, requestID, b.OrganizationID, "roster.import.queue", "import", strconv.FormatInt(imp.ID, 10), details); err != nil {
			return err
		}
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return errors.New("start import: not in a transaction")
		}
		_, err = s.Jobs.InsertTx(ctx, sqlTx, ImportArgs{ImportID: imp.ID}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
		if err != nil {
			return fmt.Errorf("enqueue import %d: %w", imp.ID, err)
		}
		return nil
	})
	return imp, err
}

// Queue inserts a queued import after checking that no import of the same
// file into the breach has committed ("already imported"). An import of it
// that is queued, running, stalled or failed does not count: it may never
// commit. The file is queued again, and of two imports of one file only the
// first to commit stores it; the other then fails as a repeat (see
// checkDuplicateFile), so a file is never stored twice.
func Queue(ctx context.Context, tx *gorm.DB, p *auth.Principal, breachID int64, up Upload) (Import, error) {
	if up.SHA256 != "" {
		if err := checkDuplicateFile(ctx, tx, Import{BreachID: breachID, SHA256: up.SHA256}); err != nil {
			return Import{}, err
		}
	}
	imp := Import{BreachID: breachID, FileName: up.FileName, SHA256: up.SHA256, Format: string(up.Options.Format),
		Status: StatusQueued, BytesTotal: up.Size, Options: up.Options, FilePath: up.Path, CreatedAt: time.Now().UTC()}
	if up.UploadID != 0 {
		id := up.UploadID
		imp.UploadID = &id
	}
	if p != nil && p.User.ID != 0 {
		uid := p.User.ID
		imp.CreatedBy = &uid
	}
	if err := tx.WithContext(ctx).Create(&imp).Error; err != nil {
		return Import{}, fmt.Errorf("record import: %w", err)
	}
	return imp, nil
}

// GetImport returns an import, saying why when it is stalled. One running
// in this process is answered from memory, with live progress (on SQLite
// the import's transaction cannot write its progress to the database).
func (s *Service) GetImport(ctx context.Context, p *auth.Principal, id int64) (Import, error) {
	if v, ok := s.live.Load(id); ok {
		lp := v.(liveProgress)
		if err := p.Require(lp.orgID, auth.Read); err != nil {
			return Import{}, notFoundImport(id, err)
		}
		return withStall(lp.imp), nil
	}
	imp, err := s.loadImport(ctx, p, id)
	return withStall(imp), err
}

// withStall fills in why the import is stalled, if it is.
func withStall(imp Import) Import {
	imp.Stalled = stalledReason(imp, time.Now())
	return imp
}

// recentImports is how many imports ListImports returns.
const recentImports = 20

// ListImports returns a breach's latest imports, newest first; those running
// in this process carry their live progress.
func (s *Service) ListImports(ctx context.Context, p *auth.Principal, breachID int64) ([]Import, error) {
	if _, err := s.Authorize(ctx, s.DB.Gorm, p, breachID, auth.Read); err != nil {
		return nil, err
	}
	var list []Import
	err := s.DB.Gorm.WithContext(ctx).Where("breach_id = ?", breachID).Order("id DESC").Limit(recentImports).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("imports of breach %d: %w", breachID, err)
	}
	for i := range list {
		if v, ok := s.live.Load(list[i].ID); ok {
			list[i] = v.(liveProgress).imp
		}
		list[i] = withStall(list[i])
	}
	return list, nil
}

func (s *Service) loadImport(ctx context.Context, p *auth.Principal, id int64) (Import, error) {
	var imp Import
	if err := s.DB.Gorm.WithContext(ctx).Take(&imp, id).Error; err != nil {
		return Import{}, notFoundAs(err, "import", id)
	}
	if _, err := s.Authorize(ctx, s.DB.Gorm, p, imp.BreachID, auth.Read); err != nil {
		return Import{}, notFoundImport(id, err)
	}
	return imp, nil
}

// notFoundAs reports a failed read of the record kind id, as not found
// when there is no such row.
func notFoundAs(err error, kind string, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s %d: %w", kind, id, errs.ErrNotFound)
	}
	return fmt.Errorf("%s %d: %w", kind, id, err)
}

func notFoundImport(id int64, err error) error {
	if errors.Is(err, errs.ErrNotFound) {
		return fmt.Errorf("import %d: %w", id, errs.ErrNotFound)
	}
	return err
}

// RunQueued runs a queued import from its stored file (the background job).
// The file is removed once the import is done or can never succeed.
func (s *Service) RunQueued(ctx context.Context, id int64) (Result, error) {
	var imp Import
	if err := s.DB.Gorm.WithContext(ctx).Take(&imp, id).Error; err != nil {
		return Result{}, fmt.Errorf("import %d: %w", id, err)
	}
	if imp.Status == StatusDone {
		return resultOf(imp), nil
	}
	f, err := s.openFile(ctx, imp)
	if errors.Is(err, ErrUploadGone) {
		err = &FatalError{Err: err}
		s.Importer.markFailed(ctx, id, err)
		return Result{}, err
	}
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	orgID, err := s.orgOf(ctx, imp.BreachID)
	if err != nil {
		return Result{}, err
	}
	defer s.live.Delete(id)
	snap := imp
	snap.Status = StatusRunning
	s.live.Store(id, liveProgress{orgID: orgID, imp: snap})
	var last time.Time
	res, err := s.Importer.Run(ctx, &imp, f, RunOptions{Size: imp.BytesTotal, Progress: func(pr Progress) {
		snap.RowsRead, snap.BytesRead, snap.Accepted, snap.Rejected = pr.Rows, pr.Bytes, pr.Accepted, pr.Rejected
		now := time.Now().UTC()
		snap.ProgressAt = &now
		s.live.Store(id, liveProgress{orgID: orgID, imp: snap})
		last = s.persistProgress(ctx, id, pr, last)
	}})
	if errors.Is(err, ErrHeld) {
		// A live worker has it (this job was started again after a rescue
		// that raced the worker's lease renewal): nothing to do here.
		return resultOf(imp), nil
	}
	if err == nil || !IsInternal(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		s.removeFile(ctx, imp)
	}
	return res, err
}

// openFile opens the file an import reads: its stored upload, or a file
// on this machine's disk.
func (s *Service) openFile(ctx context.Context, imp Import) (io.ReadCloser, error) {
	if imp.UploadID != nil {
		r, err := s.Uploads.Open(ctx, *imp.UploadID)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(r), nil
	}
	f, err := os.Open(imp.FilePath)
	if err != nil {
		return nil, ErrUploadGone
	}
	return f, nil
}

// removeFile removes the file of an import that no longer needs it; one
// left behind by a failure here is removed by PurgeUploads.
func (s *Service) removeFile(ctx context.Context, imp Import) {
	if imp.UploadID == nil {
		_ = os.Remove(imp.FilePath)
		return
	}
	ctx = context.WithoutCancel(ctx)
	if err := s.Uploads.Delete(ctx, *imp.UploadID); err != nil && s.Importer.Log != nil {
		s.Importer.Log.Warn("upload not removed after its import", slog.Int64("import_id", imp.ID), slog.String("error", err.Error()))
		return
	}
	s.DB.Gorm.WithContext(ctx).Model(&Import{}).Where("id = ?", imp.ID).Update("upload_id", nil)
}

// RescueImports queues again every running import whose worker stopped
// renewing its lease (the worker died), with a new job, and says so on the
// import; an import whose workers died maxRestarts times fails instead
// (a file that kills its worker). It returns the imports rescued.
func (s *Service) RescueImports(ctx context.Context) (int, error) {
	var lapsed []Import
	err := s.DB.Gorm.WithContext(ctx).Select("id", "restarts", "lease_until").
		Where("status = ? AND lease_until IS NOT NULL AND lease_until < ?", StatusRunning, time.Now().UTC()).Find(&lapsed).Error
	if err != nil {
		return 0, fmt.Errorf("rescue imports: %w", err)
	}
	n := 0
	for _, imp := range lapsed {
		ok, err := s.requeue(ctx, imp, "status = ? AND lease_until IS NOT NULL AND lease_until < ?", StatusRunning, time.Now().UTC())
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// RecoverInterrupted queues again the imports left running by a process
// that stopped. Only for SQLite, which one process holds at a time (so a
// running import at start is one its last process was running); uploads
// of the command line, which have no stored file, are left alone.
func (s *Service) RecoverInterrupted(ctx context.Context) (int, error) {
	if !s.DB.SingleWriter() {
		return 0, nil
	}
	var left []Import
	if err := s.DB.Gorm.WithContext(ctx).Select("id", "restarts").Where("status = ? AND (file_path <> '' OR upload_id IS NOT NULL)", StatusRunning).
		Find(&left).Error; err != nil {
		return 0, fmt.Errorf("recover imports: %w", err)
	}
	n := 0
	for _, imp := range left {
		ok, err := s.requeue(ctx, imp, "status = ?", StatusRunning)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// requeue queues an import again with a new job in one transaction, if it
// still matches the guard; past maxRestarts it fails it instead.
func (s *Service) requeue(ctx context.Context, imp Import, guard string, args ...any) (bool, error) {
	now := time.Now().UTC()
	restarted := false
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		set := map[string]any{"status": StatusQueued, "restarts": imp.Restarts + 1, "claimed_by": "", "lease_until": nil,
			"error": "The worker running this import stopped at " + now.Format("15:04 UTC") + "; nothing was stored, and the import is starting again."}
		if imp.Restarts+1 >= maxRestarts {
			set = map[string]any{"status": StatusFailed, "claimed_by": "", "lease_until": nil, "finished_at": now,
				"error": fmt.Sprintf("The workers running this import stopped %d times; nothing was stored. The file may be too large for the workers' memory: split it, or ask an administrator.", maxRestarts)}
		}
		res := tx.WithContext(ctx).Model(&Import{}).Where("id = ?", imp.ID).Where(guard, args...).Updates(set)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		restarted = set["status"] == StatusQueued
		if !restarted {
			return nil
		}
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return errors.New("requeue import: not in a transaction")
		}
		_, err := s.Jobs.InsertTx(ctx, sqlTx, ImportArgs{ImportID: imp.ID, Restart: imp.Restarts + 1}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("requeue import %d: %w", imp.ID, err)
	}
	return restarted, nil
}

// orgOf is the organization of a breach.
func (s *Service) orgOf(ctx context.Context, breachID int64) (int64, error) {
	bs, err := s.Importer.Deps.Breaches.Summaries(ctx, s.DB.Gorm, []int64{breachID})
	if err != nil {
		return 0, err
	}
	b, ok := bs[breachID]
	if !ok {
		return 0, &FatalError{Err: fmt.Errorf("breach %d: %w", breachID, errs.ErrNotFound)}
	}
	return b.OrganizationID, nil
}

// persistProgress writes progress to the imports row about once a second
// where another connection can write (PostgreSQL); SQLite's one writer is
// held by the import's transaction, so progress there is only kept in
// memory.
func (s *Service) persistProgress(ctx context.Context, id int64, pr Progress, last time.Time) time.Time {
	if s.DB.SingleWriter() || time.Since(last) < time.Second {
		return last
	}
	now := time.Now().UTC()
	err := s.DB.Gorm.WithContext(ctx).Model(&Import{}).Where("id = ? AND status = ?", id, StatusRunning).
		Updates(map[string]any{"rows_read": pr.Rows, "bytes_read": pr.Bytes, "accepted": pr.Accepted, "rejected": pr.Rejected, "progress_at": now}).Error
	if err != nil && s.Importer.Log != nil {
		// Progress is advisory (the import's own transaction decides what is
		// stored); a failed write is logged, and the next one tries again.
		s.Importer.Log.Warn("import progress not recorded", slog.Int64("import_id", id), slog.String("error", err.Error()))
		return last
	}
	return now
}
