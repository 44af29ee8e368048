package roster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/rosterfile"
)

// load reads the file and stores it as cur inside tx; see Run.
func (im *Importer) load(ctx context.Context, tx *gorm.DB, w peopleWriter, imp *Import, src io.Reader, opts RunOptions, dry bool) (Result, error) {
	cur := *imp
	if !dry {
		locked, err := lockImport(ctx, tx, imp.ID)
		if err != nil {
			return Result{}, err
		}
		if locked.Status == StatusDone {
			return resultOf(locked), nil
		}
		cur = locked
		if err := lockBreachRoster(ctx, tx, cur.BreachID); err != nil {
			return Result{}, err
		}
	}
	if err := checkDuplicateFile(ctx, tx, cur); err != nil {
		return Result{}, err
	}
	bc, err := im.loadBreachContext(ctx, tx, cur.BreachID)
	if err != nil {
		return Result{}, err
	}
	earlier, err := hasPeople(ctx, tx, cur.BreachID)
	if err != nil {
		return Result{}, err
	}
	var sum hash.Hash
	if cur.SHA256 == "" {
		sum = sha256.New()
		src = io.TeeReader(src, sum)
	}
	p, err := im.read(ctx, tx, w, &cur, bc, src, opts)
	if err != nil {
		return Result{}, err
	}
	if sum != nil {
		cur.SHA256 = hex.EncodeToString(sum.Sum(nil))
		if err := checkDuplicateFile(ctx, tx, cur); err != nil {
			return Result{}, err
		}
	}
	return im.finish(ctx, tx, &cur, bc, p, earlier || p.repeated, opts)
}

// hasPeople reports whether the breach has people from earlier imports.
func hasPeople(ctx context.Context, tx *gorm.DB, breachID int64) (bool, error) {
	var n int64
	if err := tx.WithContext(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM affected_people WHERE breach_id = ? LIMIT 1) x", breachID).Row().Scan(&n); err != nil {
		return false, fmt.Errorf("roster of breach %d: %w", breachID, err)
	}
	return n > 0, nil
}

// read streams the file into the people writer and the rejects spool, then
// stores the rejects. It returns the producer with the final tallies.
func (im *Importer) read(ctx context.Context, tx *gorm.DB, w peopleWriter, cur *Import, bc breachContext, src io.Reader, opts RunOptions) (*producer, error) {
	counter := &countingReader{r: src}
	ropts := readerOptions(bc, cur.Options, im.now())
	ropts.Limits = im.Limits
	rd, err := rosterfile.NewReader(counter, ropts)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	cur.Format = string(rd.Format())
	spool, err := im.openSpool()
	if err != nil {
		return nil, err
	}
	defer spool.close()
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &producer{rd: rd, counter: counter, total: opts.Size, opts: opts, spool: spool, keys: newKeyFilter(), counts: newTally(), maxRows: im.MaxRows,
		meta: rowMeta{breachID: cur.BreachID, importID: cur.ID, now: im.now()},
		out:  make(chan *batch, 4), free: make(chan *batch, 8), started: im.now()}
	p.progress.ImportID = cur.ID
	done := make(chan struct{})
	go func() { defer close(done); p.run(pctx) }()
	n, werr := w(ctx, tx, p)
	if werr != nil {
		cancel()
		for range p.out {
		}
	}
	<-done
	if err := firstError(ctx, p.err, werr); err != nil {
		return nil, err
	}
	if n != p.progress.Accepted {
		return nil, fmt.Errorf("stored %d people but accepted %d rows", n, p.progress.Accepted)
	}
	p.rejectProblems = spool.n
	if err := writeRejects(ctx, tx, cur.ID, spool); err != nil {
		return nil, err
	}
	return p, nil
}

// firstError picks the error that explains a failed read: the caller's
// cancellation, the file's problem, then the database's.
func firstError(ctx context.Context, readErr, writeErr error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var fatal *FatalError
	if errors.As(readErr, &fatal) {
		return readErr
	}
	if writeErr != nil {
		return writeErr
	}
	return readErr
}

// finish flags duplicates, refreshes the counts, records the result, audits
// and re-evaluates the obligations, all in the import's transaction. The
// duplicate search is skipped when it cannot find any (mayRepeat false: the
// breach had no people before and no key of the file repeats).
func (im *Importer) finish(ctx context.Context, tx *gorm.DB, cur *Import, bc breachContext, p *producer, mayRepeat bool, opts RunOptions) (Result, error) {
	if err := refreshStatistics(ctx, tx, p.progress.Accepted); err != nil {
		return Result{}, err
	}
	var dups int64
	var err error
	if mayRepeat {
		if dups, err = flagDuplicates(ctx, tx, cur.BreachID, cur.ID); err != nil {
			return Result{}, err
		}
	}
	if err := im.storeCounts(ctx, tx, cur.BreachID, p, mayRepeat); err != nil {
		return Result{}, err
	}
	pr := p.progress
	res := Result{ImportID: cur.ID, RowsRead: pr.Rows, Accepted: pr.Accepted, Rejected: pr.Rejected,
		RejectProblems: p.rejectProblems, Duplicates: dups, Bytes: p.counter.n.Load(), Elapsed: im.now().Sub(p.started)}
	done := im.now()
	err = tx.WithContext(ctx).Model(&Import{}).Where("id = ?", cur.ID).Updates(map[string]any{
		"status": StatusDone, "format": cur.Format, "sha256": cur.SHA256, "rows_read": res.RowsRead,
		"accepted": res.Accepted, "rejected": res.Rejected, "duplicates": res.Duplicates,
		"bytes_read": res.Bytes, "error": "", "finished_at": done, "progress_at": done,
	}).Error
	if err != nil {
		if isUnique(err) {
			return Result{}, duplicateFileConflict(cur.SHA256)
		}
		return Result{}, fmt.Errorf("record import %d: %w", cur.ID, err)
	}
	details := map[string]any{"breach_id": cur.BreachID, "file_name": cur.FileName, "sha256": cur.SHA256,
		"accepted": res.Accepted, "rejected": res.Rejected, "duplicates": res.Duplicates}
	if err := auth.Audit(ctx, tx, opts.Actor, opts.RequestID, bc.OrganizationID, "roster.import", "import", strconv.FormatInt(cur.ID, 10), details); err != nil {
		return Result{}, err
	}
	if err := im.Deps.Changed.BreachChanged(ctx, tx, cur.BreachID, "roster import "+strconv.FormatInt(cur.ID, 10)); err != nil {
		return Result{}, fmt.Errorf("re-evaluate obligations: %w", err)
	}
	return res, nil
}

// refreshStatistics keeps the planner's picture of affected_people true
// after an import added rows to it. The duplicate search, and the next
// import into the table, must be planned for the table as it now is: on
// statistics from before a large import, the search of a second
// 200,000-row import into a 200,000-person breach ran for over twenty
// minutes (nested loops over a table the planner believed held 219 rows)
// instead of seconds.
func refreshStatistics(ctx context.Context, tx *gorm.DB, added int64) error {
	if err := db.AnalyzeAfterBulkWrite(ctx, tx, "affected_people", added); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

func isUnique(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

func resultOf(imp Import) Result {
	return Result{ImportID: imp.ID, RowsRead: imp.RowsRead, Accepted: imp.Accepted, Rejected: imp.Rejected,
		Duplicates: imp.Duplicates, Bytes: imp.BytesRead}
}

// checkDuplicateFile refuses a file whose hash a committed import of the
// breach already has. The import itself is excluded, so that a retried run
// of the same import is never refused.
func checkDuplicateFile(ctx context.Context, tx *gorm.DB, cur Import) error {
	if cur.SHA256 == "" {
		return nil
	}
	var prev Import
	err := tx.WithContext(ctx).Where("breach_id = ? AND sha256 = ? AND status = ? AND id <> ?", cur.BreachID, cur.SHA256, StatusDone, cur.ID).
		Take(&prev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check for a repeated file: %w", err)
	}
	return duplicateFileConflictWith(prev)
}

func duplicateFileConflict(sum string) error {
	return &errs.Conflict{Message: fmt.Sprintf("%v (SHA-256 %s)", ErrDuplicateFile, short(sum))}
}

func duplicateFileConflictWith(prev Import) error {
	when := ""
	if prev.FinishedAt != nil {
		when = " on " + prev.FinishedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	return &errs.Conflict{Message: fmt.Sprintf("%v: import %d (%s)%s, SHA-256 %s", ErrDuplicateFile,
		prev.ID, prev.FileName, when, short(prev.SHA256))}
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

// breachContext is what an import needs to know about its breach.
type breachContext struct {
	OrganizationID int64
	Categories     []string
	Home           string
	Aliases        map[string]string
}

// loadBreachContext reads what the import needs to know about its breach,
// holding the breach against deletion until the import's people commit.
func (im *Importer) loadBreachContext(ctx context.Context, tx *gorm.DB, breachID int64) (breachContext, error) {
	b, err := im.Deps.Breaches.HoldForImport(ctx, tx, im.DB.Dialect, breachID)
	if err != nil {
		return breachContext{}, err
	}
	org, err := im.Deps.Orgs.OrganizationByID(ctx, tx, b.OrganizationID)
	if err != nil {
		return breachContext{}, err
	}
	bc := breachContext{OrganizationID: b.OrganizationID, Categories: b.DataCategories, Home: org.HomeJurisdiction}
	list, err := im.Deps.Breaches.CategoryList(ctx, tx)
	if err != nil {
		return bc, err
	}
	if len(list) > 0 {
		bc.Aliases = make(map[string]string, 3*len(list))
		for _, c := range list {
			for _, label := range []string{c.ID, c.Name, c.NameFR, strings.ReplaceAll(c.ID, "_", " ")} {
				if label != "" {
					bc.Aliases[rosterfile.FoldKey(label)] = c.ID
				}
			}
		}
	}
	return bc, nil
}

// readerOptions combines the import's options with the breach's context.
func readerOptions(bc breachContext, o ImportOptions, now time.Time) rosterfile.Options {
	country := o.DefaultCountry
	if country == "" && bc.Home != "" {
		country, _, _ = strings.Cut(bc.Home, "-")
		if _, err := rosterfile.NormaliseCountry(country); err != nil {
			country = ""
		}
	}
	return rosterfile.Options{
		Format: o.Format, Sheet: o.Sheet, Mapping: o.Mapping, DateOrder: o.DateOrder,
		BreachCategories: bc.Categories, CategoryAliases: bc.Aliases,
		DefaultCountry: country, ReferenceDate: now,
	}
}

// storeCounts refreshes the breach's counts. When the import's rows are
// all of the breach's people and none is a duplicate (mayRepeat false),
// the tally the reader kept is exact and no scan is needed.
func (im *Importer) storeCounts(ctx context.Context, tx *gorm.DB, breachID int64, p *producer, mayRepeat bool) error {
	if !mayRepeat {
		return p.counts.store(ctx, tx, breachID)
	}
	return refreshCounts(ctx, tx, breachID)
}
