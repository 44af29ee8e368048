package audit_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/audit"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail"
)

// outbox keeps the messages sent to it.
type outbox struct {
	mu   sync.Mutex
	sent []*mail.Message
}

func (o *outbox) Send(_ context.Context, msgs []*mail.Message) []mail.Result {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, msgs...)
	return make([]mail.Result, len(msgs))
}

func (o *outbox) subjects() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, m := range o.sent {
		out = append(out, m.To+": "+m.Subject)
	}
	return out
}

// TestWatch: the periodic job makes a checkpoint when none is recent and
// e-mails it to every operator; when the newest entries are removed it
// e-mails the operators that the trail does not verify, and makes none.
func TestWatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		record(t, d, 1, 3)
		box := &outbox{}
		now := time.Now()
		w := &audit.Watch{DB: d.Gorm, Dir: t.TempDir(), Installation: "https://breachline.test", Operators: []string{"ops@example.org", "cto@example.org"},
			Mail: box, CheckpointEvery: 24 * time.Hour, Now: func() time.Time { return now }}
		out, err := w.Run(ctx)
		if err != nil || out.Checkpoint == nil || out.Alerted || len(box.subjects()) != 2 {
			t.Fatalf("first run: %v %+v %v", err, out, box.subjects())
		}
		if !strings.Contains(box.sent[0].Text, "BEGIN BREACHLINE AUDIT CHECKPOINT") {
			t.Fatalf("checkpoint e-mail: %s", box.sent[0].Text)
		}
		record(t, d, 1, 1)
		now = now.Add(time.Hour)
		if out, err = w.Run(ctx); err != nil || out.Checkpoint != nil || !out.Report.OK() || len(box.subjects()) != 2 {
			t.Fatalf("an hour later: %v %+v %v", err, out, box.subjects())
		}
		unprotect(t, d)
		exec(t, d, "DELETE FROM audit_log WHERE seq >= 3")
		if out, err = w.Run(ctx); err != nil || !out.Alerted || out.Checkpoint != nil {
			t.Fatalf("after the removal: %v %+v", err, out)
		}
		got := box.subjects()
		if len(got) != 4 || !strings.Contains(got[3], "does not verify") || !strings.Contains(box.sent[3].Text, "truncated") {
			t.Fatalf("alert: %v", got)
		}
		now = now.Add(48 * time.Hour)
		if out, err = w.Run(ctx); err != nil || out.Checkpoint != nil || !out.Alerted {
			t.Fatalf("a broken trail gets no new checkpoint: %v %+v", err, out)
		}
	})
}
