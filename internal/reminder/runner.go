package reminder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/obligation"
)

// Duties lists the duties reminders are sent for (obligation.Service): by
// statutory deadline, and by internal target for duties the law gives no
// fixed date and regulators' practice dates.
type Duties interface {
	DueBetween(ctx context.Context, from, to time.Time) ([]obligation.Deadline, error)
	TargetsBetween(ctx context.Context, from, to time.Time) ([]obligation.Deadline, error)
}

// Contacts lists the members of organizations who hold given roles
// (auth.Reader).
type Contacts interface {
	Contacts(ctx context.Context, tx *gorm.DB, orgIDs []int64, roles []auth.Role) ([]auth.Contact, error)
}

// Options are the reminder settings.
type Options struct {
	// BaseURL is used for links and the Message-ID domain.
	BaseURL string
	Leads   []time.Duration
	// Lease is how long a claimed but unrecorded send is left alone before
	// it is sent again; 10 minutes when zero.
	Lease time.Duration
	Log   *slog.Logger
}

// Runner finds the reminders that are due and sends them.
type Runner struct {
	db       *gorm.DB
	duties   Duties
	contacts Contacts
	mail     mail.Sender
	Options
}

// NewRunner builds a runner; every dependency is required.
func NewRunner(db *gorm.DB, duties Duties, contacts Contacts, sender mail.Sender, o Options) *Runner {
	if duties == nil || contacts == nil || sender == nil {
		panic("reminder.NewRunner: duties, contacts and sender are required")
	}
	return &Runner{db: db, duties: duties, contacts: contacts, mail: sender, Options: o}
}

// Stats counts what one run did.
type Stats struct {
	Claimed, Sent, Failed, Retry, Dropped int
}

// MaxAttempts bounds retries after temporary failures.
const MaxAttempts = 8

const batchSize = 100

type job struct {
	row sendRow
	due due
	who person
}

// Run sends every reminder current at now that no run has sent yet.
func (r *Runner) Run(ctx context.Context, now time.Time) (Stats, error) {
	var st Stats
	wanted, err := r.wanted(ctx, now)
	if err != nil {
		return st, err
	}
	jobs, err := r.claimAll(ctx, now, wanted, &st)
	if err != nil {
		return st, err
	}
	for start := 0; start < len(jobs); start += batchSize {
		end := min(start+batchSize, len(jobs))
		if err := r.deliver(ctx, now, jobs[start:end], &st); err != nil {
			return st, err
		}
	}
	if st.Claimed > 0 && r.Log != nil {
		r.Log.Info("reminders", slog.Int("claimed", st.Claimed), slog.Int("sent", st.Sent),
			slog.Int("failed", st.Failed), slog.Int("retry", st.Retry), slog.Int("dropped", st.Dropped))
	}
	return st, nil
}

type key struct {
	obligation int64
	dueKey     string
	label      string
	user       int64
}

// wanted lists every reminder current at now, keyed by its claim key.
func (r *Runner) wanted(ctx context.Context, now time.Time) (map[key]job, error) {
	dues, err := r.dueObligations(ctx, now, MaxLead(r.Leads))
	if err != nil {
		return nil, err
	}
	var orgIDs []int64
	seen := map[int64]bool{}
	for _, d := range dues {
		if !seen[d.OrganizationID] {
			seen[d.OrganizationID] = true
			orgIDs = append(orgIDs, d.OrganizationID)
		}
	}
	people, err := r.recipients(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	out := map[key]job{}
	for _, d := range dues {
		label, ok := Window(d.DueAt, now, r.Leads, zone(d.TimeZone))
		if !ok {
			continue
		}
		if d.Target {
			label = TargetLabel(label)
		}
		for _, p := range people[d.OrganizationID] {
			k := key{d.ID, DueKey(d.DueAt), label, p.UserID}
			out[k] = job{due: d, who: p, row: sendRow{
				ObligationID: d.ID, OrganizationID: d.OrganizationID, UserID: p.UserID,
				DueKey: k.dueKey, DueAt: d.DueAt.UTC(), LeadLabel: label, Email: p.Email,
			}}
		}
	}
	return out, nil
}

// claimAll takes stale claims still wanted (dropping the rest), then claims
// every new reminder. Only claims this worker won are returned.
func (r *Runner) claimAll(ctx context.Context, now time.Time, wanted map[key]job, st *Stats) ([]job, error) {
	var mine []job
	old, err := stale(ctx, r.db, now, r.lease())
	if err != nil {
		return nil, err
	}
	for _, row := range old {
		k := key{row.ObligationID, row.DueKey, row.LeadLabel, row.UserID}
		j, keep := wanted[k]
		won, err := retake(ctx, r.db, &row, now, keep)
		if err != nil {
			return nil, err
		}
		if !keep {
			st.Dropped++
			continue
		}
		delete(wanted, k) // its row exists: never insert it again
		if won {
			j.row = row
			mine = append(mine, j)
		}
	}
	for _, j := range wanted {
		j.row.State, j.row.Attempts, j.row.ClaimedAt, j.row.CreatedAt = "claimed", 1, now.UTC(), now.UTC()
		j.row.MessageID = r.messageID()
		won, err := claim(ctx, r.db, &j.row)
		if err != nil {
			return nil, err
		}
		if won {
			mine = append(mine, j)
		}
	}
	st.Claimed = len(mine)
	return mine, nil
}

// deliver sends one batch over one connection and records each outcome.
func (r *Runner) deliver(ctx context.Context, now time.Time, batch []job, st *Stats) error {
	msgs := make([]*mail.Message, len(batch))
	for i, j := range batch {
		msgs[i] = compose(j.due, j.who, &j.row, now, r.BaseURL)
	}
	results := r.mail.Send(ctx, msgs)
	for i, res := range results {
		set := outcome(batch[i].row, res, now, st)
		// Record even if the job's context ended: the message has gone.
		if err := mark(context.WithoutCancel(ctx), r.db, batch[i].row.ID, set); err != nil {
			return err
		}
	}
	return nil
}

// outcome turns a send result into the row's new state.
func outcome(row sendRow, res mail.Result, now time.Time, st *Stats) map[string]any {
	switch {
	case res.Class == mail.Delivered:
		st.Sent++
		return map[string]any{"state": "sent", "sent_at": now.UTC(), "message_id": res.MessageID, "smtp_code": 0, "last_error": ""}
	case res.Class == mail.Permanent || row.Attempts >= MaxAttempts:
		st.Failed++
		return map[string]any{"state": "failed", "smtp_code": res.Code, "last_error": errText(res.Err)}
	}
	st.Retry++
	backoff := min(time.Minute<<(row.Attempts-1), time.Hour)
	return map[string]any{"state": "retry", "next_at": now.Add(backoff).UTC(), "smtp_code": res.Code, "last_error": errText(res.Err)}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

func (r *Runner) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return 10 * time.Minute
}

// messageID is fixed at claim time so that a repeat after a crash carries
// the same Message-ID as the first copy.
func (r *Runner) messageID() string {
	b := make([]byte, 12)
	rand.Read(b)
	host := "breachline"
	if u, err := url.Parse(r.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return fmt.Sprintf("reminder.%s@%s", hex.EncodeToString(b), host)
}

func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
