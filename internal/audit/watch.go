package audit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/mail"
)

// Mailer sends e-mail (mail.Sender).
type Mailer interface {
	Send(ctx context.Context, msgs []*mail.Message) []mail.Result
}

// Watch verifies every chain against the latest checkpoint kept outside
// the database, tells the operators when one does not hold, and makes,
// keeps and e-mails a new checkpoint when the latest is older than
// CheckpointEvery.
type Watch struct {
	DB *gorm.DB
	// Dir is the checkpoint folder (config CheckpointDir).
	Dir string
	// Installation names the installation (its base URL).
	Installation    string
	Operators       []string
	Mail            Mailer
	CheckpointEvery time.Duration
	Log             *slog.Logger
	Now             func() time.Time
}

// Outcome is what one run of the watch did.
type Outcome struct {
	Report Report
	// Alerted is set when the operators were told of a problem.
	Alerted bool
	// Checkpoint is the checkpoint made, if any, and Path the file.
	Checkpoint *Checkpoint
	Path       string
}

// Run verifies, alerts and checkpoints once.
func (w *Watch) Run(ctx context.Context) (Outcome, error) {
	var out Outcome
	key, err := keyOf(w.DB)
	if err != nil {
		return out, err
	}
	latest, err := LatestCheckpoint(w.Dir)
	if err == nil && latest != nil {
		err = latest.CheckSignature(key.PublicKey())
	}
	if err != nil {
		// A checkpoint folder that cannot be trusted is itself news.
		out.Alerted = true
		return out, w.alert(ctx, "the latest audit checkpoint cannot be used", err.Error()+"\n\nFolder: "+w.Dir)
	}
	out.Report, err = Verify(ctx, w.DB, nil, latest)
	if err != nil {
		return out, err
	}
	if !out.Report.OK() {
		out.Alerted = true
		return out, w.alert(ctx, "the audit trail does not verify", describe(out.Report))
	}
	if latest != nil && w.now().Sub(latest.Made) < w.CheckpointEvery {
		return out, nil
	}
	out.Checkpoint, err = MakeCheckpoint(ctx, w.DB, w.Installation, w.now(), nil)
	if err != nil {
		return out, err
	}
	if out.Path, err = SaveCheckpoint(w.Dir, out.Checkpoint); err != nil {
		return out, err
	}
	w.send(ctx, "Breachline audit checkpoint "+out.Checkpoint.Made.Format("2006-01-02 15:04Z"), checkpointText(out.Checkpoint))
	return out, nil
}

func (w *Watch) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

// describe lists each chain that does not hold.
func describe(r Report) string {
	var b strings.Builder
	for _, c := range r.Chains {
		if c.Problem != nil {
			fmt.Fprintf(&b, "- %s\n", c.Problem.Error())
		}
	}
	if r.Checkpoint != nil {
		fmt.Fprintf(&b, "\nCompared with the checkpoint of %s.\n", r.Checkpoint.Made.Format(time.RFC3339))
	}
	return b.String()
}

func (w *Watch) alert(ctx context.Context, what, body string) error {
	w.log().Error("audit: "+what, slog.String("problem", body))
	w.send(ctx, "Breachline: "+what, "Breachline at "+w.Installation+" found that "+what+":\n\n"+body+
		"\nRun `breachline audit verify` to see every chain. Entries that were changed, added or removed "+
		"cannot be mended from inside the database: compare with a backup and with the checkpoints you kept.\n")
	return nil
}

func checkpointText(c *Checkpoint) string {
	return "This is a signed checkpoint of the audit trail of Breachline at " + c.Installation + ": where each\n" +
		"organization's chain of audit entries stood when it was made. Keep this message. To check later that\n" +
		"no entry up to here was removed, save it to a file and run\n\n" +
		"    breachline audit verify --checkpoint FILE\n\n" + c.String()
}

// send e-mails the operators; a failure is logged, not returned: the
// checkpoint is on disk and the next run tries again.
func (w *Watch) send(ctx context.Context, subject, text string) {
	if len(w.Operators) == 0 || w.Mail == nil {
		w.log().Warn("audit: no operators to e-mail (BREACHLINE_OPERATORS)", slog.String("subject", subject))
		return
	}
	msgs := make([]*mail.Message, 0, len(w.Operators))
	for _, to := range w.Operators {
		msgs = append(msgs, &mail.Message{To: to, Subject: subject, Text: text, Headers: map[string]string{"X-Breachline-Audit": "1"}})
	}
	for i, r := range w.Mail.Send(ctx, msgs) {
		if r.Class != mail.Delivered {
			w.log().Warn("audit: e-mail to an operator failed", slog.String("to", msgs[i].To), slog.String("reply", r.Reply))
		}
	}
}

func (w *Watch) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// WatchArgs asks for one run of the watch.
type WatchArgs struct{}

// Kind names the job.
func (WatchArgs) Kind() string { return "audit_watch" }

// WatchWorker runs the watch as a River job.
type WatchWorker struct {
	river.WorkerDefaults[WatchArgs]
	Watch *Watch
}

// Work runs the watch once.
func (w *WatchWorker) Work(ctx context.Context, _ *river.Job[WatchArgs]) error {
	_, err := w.Watch.Run(ctx)
	return err
}

// WatchPeriodic runs the watch at each multiple of every on the clock (on
// the hour, for an hour), so workers that restart often still run it.
func WatchPeriodic(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(aligned(every),
		func() (river.JobArgs, *river.InsertOpts) { return WatchArgs{}, nil }, nil)
}

// aligned is a schedule at the multiples of a duration since the zero time
// (UTC hours and midnights).
type aligned time.Duration

// Next is the first multiple after t.
func (a aligned) Next(t time.Time) time.Time {
	d := time.Duration(a)
	return t.Truncate(d).Add(d)
}
