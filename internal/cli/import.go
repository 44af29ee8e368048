package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/roster"
)

// importFlags are the options of breachline import.
type importFlags struct {
	ref, org, file, format, mapping, sheet, dateOrder, rejects string
	dryRun, json                                               bool
}

func (e *env) importCmd() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import a roster file (CSV or XLSX) of affected people into a breach",
		Long: "Reads every row, stores the good ones in one transaction (all or nothing), writes the\n" +
			"rejected rows with their reasons to a CSV file, and flags repeated people for review.\n" +
			"The same file (by SHA-256) is imported into a breach only once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext()
			defer stop()
			return e.runImport(ctx, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.ref, "breach", "", "breach reference (BR-2025-0007) or id (required)")
	fl.StringVar(&f.org, "organization", "", "organization slug, when the reference exists in several")
	fl.StringVar(&f.file, "file", "", "the roster file (required)")
	fl.StringVar(&f.format, "format", "", "csv or xlsx (default: detected from the content)")
	fl.StringVar(&f.mapping, "mapping", "", "YAML file mapping the file's columns to fields")
	fl.StringVar(&f.sheet, "sheet", "", "XLSX worksheet (default: the first)")
	fl.StringVar(&f.dateOrder, "date-order", "", "DMY or MDY, to read dates such as 03/04/2010")
	fl.StringVar(&f.rejects, "rejects", "", "where to write the rejected rows (default: in the data directory)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "read and check everything, store nothing")
	fl.BoolVar(&f.json, "json", false, "print the result as JSON")
	_ = cmd.MarkFlagRequired("breach")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// importSummary is what --json prints.
type importSummary struct {
	ImportID    int64  `json:"import_id,omitempty"`
	Accepted    int64  `json:"accepted"`
	Rejected    int64  `json:"rejected"`
	Duplicates  int64  `json:"duplicates"`
	RejectsFile string `json:"rejects_file"`
	DryRun      bool   `json:"dry_run,omitempty"`
}

func (e *env) runImport(ctx context.Context, f importFlags) error {
	opts, err := f.options()
	if err != nil {
		return err
	}
	sum, size, err := hashFile(f.file)
	if err != nil {
		return err
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := findBreach(ctx, a, f.ref, f.org)
	if err != nil {
		return err
	}
	dir := filepath.Join(a.Cfg.DataDir, "rejects")
	if f.rejects != "" {
		dir = filepath.Dir(f.rejects)
	}
	rf, err := openRejects(dir)
	if err != nil {
		return err
	}
	defer rf.discard()
	up := roster.Upload{FileName: filepath.Base(f.file), SHA256: sum, Size: size, Options: opts}
	res, err := e.importFile(ctx, a, b, up, f, rf.tmp)
	if err != nil {
		return err
	}
	out := importSummary{ImportID: res.ImportID, Accepted: res.Accepted, Rejected: res.Rejected, Duplicates: res.Duplicates, DryRun: f.dryRun}
	if res.Rejected > 0 {
		dest := f.rejects
		if dest == "" {
			dest = filepath.Join(dir, defaultRejectsName(b.Reference, sum, res.ImportID, f.dryRun))
		}
		if out.RejectsFile, err = rf.keep(dest); err != nil {
			return err
		}
	}
	if f.dryRun {
		out.ImportID = 0
	}
	return e.printImport(out, b, f)
}

func (f importFlags) options() (roster.ImportOptions, error) {
	o := roster.ImportOptions{Format: roster.Format(f.format), Sheet: f.sheet, DateOrder: roster.DateOrder(f.dateOrder)}
	if f.mapping == "" {
		return o, nil
	}
	mf, err := os.Open(f.mapping)
	if err != nil {
		return o, fmt.Errorf("mapping: %w", err)
	}
	defer mf.Close()
	m, err := roster.ParseMapping(mf)
	if err != nil {
		return o, err
	}
	o.Mapping = m
	return o, nil
}

// hashFile returns the file's SHA-256 and size, and fails early on an unreadable file.
func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path) // #nosec G304 -- the operator's --file
	if err != nil {
		return "", 0, fmt.Errorf("cannot read the roster file: %w", err)
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", 0, fmt.Errorf("cannot read the roster file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// importFile queues the import (refusing a file already imported) and runs
// it in this process, writing rejects to rf as they are found.
func (e *env) importFile(ctx context.Context, a *app.App, b breachRef, up roster.Upload, f importFlags, rf io.Writer) (roster.Result, error) {
	src, err := os.Open(f.file)
	if err != nil {
		return roster.Result{}, fmt.Errorf("cannot read the roster file: %w", err)
	}
	defer src.Close()
	rw := roster.NewRejectsWriter(rf)
	bar := e.progressBar(f.json)
	ro := roster.RunOptions{Size: up.Size, Rejects: rw, Progress: bar.update, RequestID: "cli"}
	var res roster.Result
	imp := roster.Import{BreachID: b.ID, FileName: up.FileName, SHA256: up.SHA256, Options: up.Options, BytesTotal: up.Size}
	if f.dryRun {
		res, err = a.Roster.Importer.DryRun(ctx, &imp, src, ro)
	} else {
		err = a.DB.Tx(ctx, func(tx *gorm.DB) error {
			var qerr error
			imp, qerr = roster.Queue(ctx, tx, nil, b.ID, up)
			return qerr
		})
		if err == nil {
			res, err = a.Roster.Importer.Run(ctx, &imp, src, ro)
		}
	}
	bar.done()
	if err != nil {
		return res, importError(err)
	}
	return res, rw.Flush()
}

// importError gives a person the file's problem or the refusal as it is.
func importError(err error) error {
	var fatal *roster.FatalError
	if errors.As(err, &fatal) {
		return fmt.Errorf("the file cannot be imported: %w", err)
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("import interrupted; nothing was stored (run it again)")
	}
	return err
}

func (e *env) printImport(out importSummary, b breachRef, f importFlags) error {
	if f.json {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(out)
	}
	verb := "imported"
	if f.dryRun {
		verb = "dry run: would import"
	}
	fmt.Fprintf(e.stdout, "%s %d people into %s: %d rows rejected, %d flagged as duplicates for review\n",
		verb, out.Accepted, b.Reference, out.Rejected, out.Duplicates)
	if out.RejectsFile != "" {
		fmt.Fprintf(e.stdout, "rejected rows: %s\n", out.RejectsFile)
	}
	return nil
}

// progress draws a one-line progress bar on a terminal; elsewhere it is silent.
type progress struct {
	w    io.Writer
	on   bool
	last time.Time
}

func (e *env) progressBar(quiet bool) *progress {
	f, ok := e.stderr.(*os.File)
	return &progress{w: e.stderr, on: !quiet && ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) update(pr roster.Progress) {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("\r%12d rows  %9.0f rows/s", pr.Rows, pr.RowsPerSecond())
	if pr.TotalBytes > 0 {
		pct := 100 * float64(pr.Bytes) / float64(pr.TotalBytes)
		line += fmt.Sprintf("  %5.1f%%  ETA %s", pct, pr.ETA().Round(time.Second))
	}
	fmt.Fprint(p.w, line+"   ")
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// rejectsFile is where the CLI writes an import's rejected rows: a temporary
// file, moved to its destination only when the import has committed with
// rejects, so that a refused, failed or interrupted import leaves no report
// behind and never replaces an earlier one. It is 0600: the values are
// masked, but the rows are still about people.
type rejectsFile struct{ tmp *os.File }

func openRejects(dir string) (*rejectsFile, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("rejects file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".rejects-*.partial")
	if err != nil {
		return nil, fmt.Errorf("rejects file: %w", err)
	}
	return &rejectsFile{tmp: tmp}, nil
}

// defaultRejectsName names a report in the data directory after the
// import, whose id no other import has; a dry run stores nothing and has
// no id, so its report is named after the file and the time.
func defaultRejectsName(ref, sum string, importID int64, dry bool) string {
	if dry {
		return fmt.Sprintf("%s-%s-dry-run-%s-rejects.csv", ref, sum[:12], time.Now().UTC().Format("20060102T150405"))
	}
	return fmt.Sprintf("%s-import-%d-rejects.csv", ref, importID)
}

// keep moves the finished report to dest and returns dest.
func (r *rejectsFile) keep(dest string) (string, error) {
	if err := r.tmp.Close(); err != nil {
		return "", fmt.Errorf("rejects file: %w", err)
	}
	if err := os.Rename(r.tmp.Name(), dest); err != nil {
		return "", fmt.Errorf("rejects file: %w", err)
	}
	r.tmp = nil
	return dest, nil
}

// discard removes the temporary file unless keep has moved it.
func (r *rejectsFile) discard() {
	if r.tmp == nil {
		return
	}
	_ = r.tmp.Close()
	_ = os.Remove(r.tmp.Name())
	r.tmp = nil
}
