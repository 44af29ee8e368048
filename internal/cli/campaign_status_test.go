package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/notice"
)

func progressOf(status string, total int, by map[string]int64) notice.Progress {
	return notice.Progress{CampaignID: 7, Status: status, Total: total, ByStatus: by}
}

func TestProgressLine(t *testing.T) {
	eta := int64(75)
	p := progressOf(notice.CampaignSending, 1000, map[string]int64{notice.Queued: 400, notice.Sending: 50, notice.Sent: 500, notice.Failed: 25, notice.Letter: 25})
	p.Rate, p.ETA = 6, &eta
	line := progressLine(p, 160)
	for _, want := range []string{"[######################..................]", " 55.0% of 1000", "queued 400 · sending 50 · sent 500 · failed 25 · letters 25", "6.0/s  ETA 1m15s"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if n := len([]rune(line)); n > 160 {
		t.Errorf("line of %d characters for a width of 160", n)
	}
	// A narrow terminal drops the bar, never the counts.
	if narrow := progressLine(p, 60); strings.Contains(narrow, "[#") || !strings.Contains(narrow, "sent 500") {
		t.Errorf("narrow: %q", narrow)
	}
	if paused := progressLine(progressOf(notice.CampaignPaused, 10, map[string]int64{notice.Queued: 10}), 120); !strings.Contains(paused, "[paused]") {
		t.Errorf("paused: %q", paused)
	}
	if prep := progressLine(progressOf(notice.CampaignPreparing, 0, nil), 120); !strings.HasPrefix(prep, "preparing") {
		t.Errorf("preparing: %q", prep)
	}
}

func TestSettled(t *testing.T) {
	for _, tc := range []struct {
		p    notice.Progress
		want bool
	}{
		{progressOf(notice.CampaignPreparing, 0, nil), false},
		{progressOf(notice.CampaignSending, 0, nil), false},
		{progressOf(notice.CampaignSending, 3, map[string]int64{notice.Retry: 1, notice.Sent: 2}), false},
		{progressOf(notice.CampaignSending, 3, map[string]int64{notice.Letter: 1, notice.Sent: 2}), true},
		{progressOf(notice.CampaignPaused, 3, map[string]int64{notice.Queued: 3}), true},
		{progressOf(notice.CampaignCompleted, 3, map[string]int64{notice.Sent: 3}), true},
	} {
		if got := settled(tc.p); got != tc.want {
			t.Errorf("settled(%s %v) = %v", tc.p.Status, tc.p.ByStatus, got)
		}
	}
}

func TestRateWindow(t *testing.T) {
	var rw rateWindow
	start := time.Now()
	p := progressOf(notice.CampaignSending, 1000, map[string]int64{notice.Queued: 1000})
	p.Rate = 1 // the service's rate is kept until the window spans a second
	rw.apply(&p, start)
	if p.Rate != 1 {
		t.Fatalf("rate from one sample: %v", p.Rate)
	}
	for i := 1; i <= 20; i++ {
		p = progressOf(notice.CampaignSending, 1000, map[string]int64{notice.Queued: int64(1000 - 40*i), notice.Sent: int64(40 * i)})
		rw.apply(&p, start.Add(time.Duration(i)*time.Second))
	}
	if p.Rate != 40 || p.ETA == nil || *p.ETA != 5 {
		t.Fatalf("rate %v, ETA %v; want 40/s and 5s", p.Rate, p.ETA)
	}
	if span := rw.samples[len(rw.samples)-1].at.Sub(rw.samples[0].at); span > rateSpan+time.Second {
		t.Fatalf("the window spans %v", span)
	}
}

// TestWatchProgress redraws the line in place until the e-mails are done.
func TestWatchProgress(t *testing.T) {
	steps := []notice.Progress{
		progressOf(notice.CampaignPreparing, 0, nil),
		progressOf(notice.CampaignSending, 4, map[string]int64{notice.Queued: 3, notice.Letter: 1}),
		progressOf(notice.CampaignSending, 4, map[string]int64{notice.Sent: 3, notice.Letter: 1}),
		progressOf(notice.CampaignSending, 4, map[string]int64{notice.Sent: 3, notice.Letter: 1}),
	}
	reads := 0
	read := func(context.Context) (notice.Progress, error) {
		p := steps[min(reads, len(steps)-1)]
		reads++
		return p, nil
	}
	var out bytes.Buffer
	last, err := watchProgress(context.Background(), &out, read, 100, time.Millisecond)
	if err != nil || reads != 3 || last.ByStatus[notice.Sent] != 3 {
		t.Fatalf("watch: %v after %d reads, last %+v", err, reads, last)
	}
	if got := strings.Count(out.String(), "\r"); got != 3 || !strings.HasSuffix(out.String(), "\033[K\n") {
		t.Fatalf("output %q", out.String())
	}

	// Interrupted: it stops at once, without an error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reads = 1
	if _, err := watchProgress(ctx, &out, read, 100, time.Hour); err != nil {
		t.Fatal(err)
	}
}
