package reminder

import (
	"bytes"
	"context"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
)

func TestLeadsFireOnceAndOnlyToTheRightPeople(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		legal := f.member(f.org, "legal@city.test", "legal")
		viewer := f.member(f.org, "viewer@city.test", "viewer")
		admin := f.member(f.org, "admin@city.test", "admin")
		f.obligation(f.breach, f.org, t0)

		steps := []struct {
			at   time.Time
			sent int
		}{
			{t0.Add(-73 * time.Hour), 0},
			{t0.Add(-72 * time.Hour), 2},
			{t0.Add(-71 * time.Hour), 0},
			{t0.Add(-24 * time.Hour), 2},
			{t0.Add(-23 * time.Hour), 0},
			{t0.Add(-4 * time.Hour), 2},
			{t0.Add(-time.Minute), 0},
			{t0, 2},
			{t0.Add(time.Hour), 0},
			{t0.Add(20 * time.Hour), 2}, // next day, 11:00 in Toronto
			{t0.Add(21 * time.Hour), 0},
		}
		for _, s := range steps {
			if st := f.run(s.at); st.Sent != s.sent || st.Claimed != s.sent {
				t.Fatalf("at %s: %+v, want %d sent", s.at, st, s.sent)
			}
		}
		if f.count(po) != 5 || f.count(legal) != 5 {
			t.Fatalf("po got %d, legal got %d, want 5 each", f.count(po), f.count(legal))
		}
		if f.count(viewer) != 0 || f.count(admin) != 0 {
			t.Fatalf("viewer got %d, admin got %d", f.count(viewer), f.count(admin))
		}
		checkText(t, f.smtp.To(po)[1].Data)
	})
}

// checkText reads the 24h reminder back and checks what it must say.
func checkText(t *testing.T, raw []byte) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime_WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subj, "BR-2025-0007") || !strings.Contains(subj, "due in 24 hours") {
		t.Errorf("subject %q", subj)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	text := string(body)
	for _, want := range []string{
		"BR-2025-0007", "Information and Privacy Commissioner of Ontario",
		"Wed 5 Mar 2025 17:00 EST (America/Toronto)", "Wed 5 Mar 2025 22:00 UTC",
		"PHIPA s. 12(2); O. Reg. 329/04 s. 6.3", "https://breachline.test/breaches/",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, text)
		}
	}
	if m.Header.Get("X-Breachline-Reminder") != "24h" {
		t.Errorf("reminder header %q", m.Header.Get("X-Breachline-Reminder"))
	}
}

func TestAdministratorsStandInWithoutPrivacyOfficer(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		admin := f.member(f.org, "admin@city.test", "admin")
		legal := f.member(f.org, "legal@city.test", "legal")
		f.obligation(f.breach, f.org, t0)
		f.run(t0.Add(-4 * time.Hour))
		if f.count(admin) != 1 || f.count(legal) != 1 {
			t.Fatalf("admin %d legal %d", f.count(admin), f.count(legal))
		}
	})
}

func TestConcurrentWorkersSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.member(f.org, "po@city.test", "privacy_officer")
		f.member(f.org, "legal@city.test", "legal")
		for i := 0; i < 25; i++ {
			f.obligation(f.breach, f.org, t0.Add(time.Duration(i)*time.Minute))
		}
		other := *f.runner // a second worker: same database, own state
		runners := []*Runner{f.runner, &other, f.runner, &other}
		var wg sync.WaitGroup
		errs := make(chan error, len(runners)*3)
		for round := 0; round < 3; round++ {
			for _, r := range runners {
				wg.Add(1)
				go func(r *Runner) {
					defer wg.Done()
					if _, err := r.Run(context.Background(), t0.Add(-3*time.Hour)); err != nil {
						errs <- err
					}
				}(r)
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := len(f.smtp.Messages()); n != 50 {
			t.Fatalf("server received %d messages, want 50 (25 obligations x 2 people)", n)
		}
		seen := map[string]bool{}
		for _, m := range f.smtp.Messages() {
			msg, _ := mail.ReadMessage(bytes.NewReader(m.Data))
			id := msg.Header.Get("Message-Id")
			if seen[id] {
				t.Fatalf("duplicate %s", id)
			}
			seen[id] = true
		}
	})
}

func TestMovedDeadlineRearms(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		id := f.obligation(f.breach, f.org, t0)
		f.run(t0.Add(-24 * time.Hour))
		f.run(t0.Add(-23 * time.Hour))
		if f.count(po) != 1 {
			t.Fatalf("before move: %d", f.count(po))
		}
		moved := t0.Add(48 * time.Hour)
		f.exec("UPDATE obligations SET due_at = ? WHERE id = ?", moved.UTC(), id)
		if st := f.run(t0.Add(-22 * time.Hour)); st.Sent != 1 { // 70h before the new deadline: 72h window
			t.Fatalf("after move: %+v", st)
		}
		f.run(moved.Add(-24 * time.Hour))
		f.run(moved.Add(-24 * time.Hour))
		if f.count(po) != 3 {
			t.Fatalf("after move: %d messages, want 3", f.count(po))
		}
	})
}

func TestNoReminderForSettledObligations(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		for _, status := range []string{"filed", "waived", "not_required", "undetermined"} {
			id := f.obligation(f.breach, f.org, t0)
			f.exec("UPDATE obligations SET status = ? WHERE id = ?", status, id)
		}
		id := f.obligation(f.breach, f.org, t0)
		f.exec("UPDATE obligations SET required = ? WHERE id = ?", false, id)
		id = f.obligation(f.breach, f.org, t0)
		f.exec("UPDATE obligations SET due_at = NULL WHERE id = ?", id)
		for _, at := range []time.Time{t0.Add(-72 * time.Hour), t0.Add(-4 * time.Hour), t0.Add(time.Hour)} {
			f.run(at)
		}
		if f.count(po) != 0 {
			t.Fatalf("%d reminders for settled obligations", f.count(po))
		}
	})
}

func TestRefusalsFailOrRetry(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		gone := f.member(f.org, "gone@city.test", "privacy_officer")
		busy := f.member(f.org, "busy@city.test", "legal")
		ok := f.member(f.org, "ok@city.test", "legal")
		f.smtp.Refuse(gone, 550, smtp.EnhancedCode{5, 1, 1}, "no such user")
		f.smtp.Refuse(busy, 451, smtp.EnhancedCode{4, 3, 0}, "try later")
		f.obligation(f.breach, f.org, t0)
		at := t0.Add(-4 * time.Hour)
		if st := f.run(at); st.Sent != 1 || st.Failed != 1 || st.Retry != 1 {
			t.Fatalf("first run: %+v", st)
		}
		f.smtp.Allow(busy)
		f.smtp.Allow(gone)
		if st := f.run(at.Add(30 * time.Second)); st.Claimed != 0 {
			t.Fatalf("retried before its time: %+v", st)
		}
		if st := f.run(at.Add(2 * time.Minute)); st.Sent != 1 || st.Claimed != 1 {
			t.Fatalf("retry: %+v", st)
		}
		if f.count(ok) != 1 || f.count(busy) != 1 || f.count(gone) != 0 {
			t.Fatalf("ok %d busy %d gone %d", f.count(ok), f.count(busy), f.count(gone))
		}
		var row sendRow
		f.d.Gorm.Where("email = ?", gone).First(&row)
		if row.State != "failed" || row.SMTPCode != 550 || !strings.Contains(row.LastError, "550") {
			t.Fatalf("permanent failure not recorded: %+v", row)
		}
	})
}

// TestCrashAfterSendResendsOnceWithSameMessageID documents the delivery
// guarantee: a send the server accepted but that was never recorded is
// sent again after the lease, with the same Message-ID, and then recorded.
func TestCrashAfterSendResendsOnceWithSameMessageID(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		po := f.member(f.org, "po@city.test", "privacy_officer")
		f.obligation(f.breach, f.org, t0)
		at := t0.Add(-4 * time.Hour)
		ctx := context.Background()
		wanted, err := f.runner.wanted(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		var st Stats
		jobs, err := f.runner.claimAll(ctx, at, wanted, &st)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %d", err, len(jobs))
		}
		// The worker sends, then dies before recording the outcome.
		f.runner.mail.Send(ctx, []*Message{compose(jobs[0].due, jobs[0].who, &jobs[0].row, at, f.runner.BaseURL)})
		if st := f.run(at.Add(5 * time.Minute)); st.Claimed != 0 {
			t.Fatalf("claim taken again inside the lease: %+v", st)
		}
		if st := f.run(at.Add(11 * time.Minute)); st.Sent != 1 {
			t.Fatalf("stale claim not resent: %+v", st)
		}
		f.run(at.Add(30 * time.Minute))
		got := f.smtp.To(po)
		if len(got) != 2 {
			t.Fatalf("%d copies, want 2 (at least once)", len(got))
		}
		a, _ := mail.ReadMessage(bytes.NewReader(got[0].Data))
		b, _ := mail.ReadMessage(bytes.NewReader(got[1].Data))
		if a.Header.Get("Message-Id") != b.Header.Get("Message-Id") {
			t.Fatalf("repeat has a new Message-ID: %s vs %s", a.Header.Get("Message-Id"), b.Header.Get("Message-Id"))
		}
		var row sendRow
		f.d.Gorm.First(&row)
		if row.State != "sent" || row.Attempts != 2 {
			t.Fatalf("row %+v", row)
		}
	})
}
