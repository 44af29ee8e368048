package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/breachline/breachline/internal/notice"
)

func (e *env) campaignStatusCmd() *cobra.Command {
	var f campaignFlags
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "status BREACH [CAMPAIGN]",
		Short: "Show a campaign's progress: a live bar on a terminal, JSON otherwise",
		Long: `On a terminal, draw the campaign's progress (deliveries by state, sending rate, time left)
and redraw it until no e-mail is left to send or the command is interrupted. With --json, or
when standard output is not a terminal, print the progress once as JSON. Counts only: any
member may follow a campaign.`,
		Args: breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			return e.withCampaign(ctx, args, f, func(c *campaignCtx, cp notice.Campaign) error {
				read := func(ctx context.Context) (notice.Progress, error) { return c.a.Notices.Progress(ctx, c.call.P, cp.ID) }
				width, tty := terminalWidth(e.stdout)
				if f.json || !tty {
					p, err := read(ctx)
					return e.jsonOr(p, err)
				}
				p, err := watchProgress(ctx, e.stdout, read, width, every)
				if err != nil || ctx.Err() != nil {
					return err
				}
				return e.printSettled(ctx, c, cp.ID, p)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().DurationVar(&every, "interval", time.Second, "how often the bar is redrawn")
	return cmd
}

// terminalWidth reports whether w is a terminal, and its width.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return 0, false
	}
	if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
		return width, true
	}
	return 80, true
}

// watchProgress redraws the progress line on w until the campaign settles
// (settled) or ctx ends, and returns the last progress read.
func watchProgress(ctx context.Context, w io.Writer, read func(context.Context) (notice.Progress, error), width int, every time.Duration) (notice.Progress, error) {
	t := time.NewTicker(max(every, 100*time.Millisecond))
	defer t.Stop()
	var rw rateWindow
	for {
		p, err := read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(w)
				return p, nil
			}
			return p, err
		}
		rw.apply(&p, time.Now())
		fmt.Fprint(w, "\r"+progressLine(p, width)+"\033[K")
		if settled(p) {
			fmt.Fprintln(w)
			return p, nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			return p, nil
		case <-t.C:
		}
	}
}

// rateWindow measures the sending rate over the last few seconds of
// watching, which follows a change of pace sooner than the service's rate
// (the messages sent in the last minute, which starts low).
type rateWindow struct {
	samples []rateSample
}

type rateSample struct {
	at   time.Time
	done int64
}

// rateSpan is how far back the rate looks.
const rateSpan = 10 * time.Second

// apply records p and, once the window spans a second, replaces its rate
// and ETA with the window's.
func (rw *rateWindow) apply(p *notice.Progress, now time.Time) {
	done := int64(p.Total) - pending(*p)
	rw.samples = append(rw.samples, rateSample{at: now, done: done})
	for len(rw.samples) > 2 && now.Sub(rw.samples[1].at) >= rateSpan {
		rw.samples = rw.samples[1:]
	}
	first := rw.samples[0]
	span := now.Sub(first.at)
	if span < time.Second || p.Status != notice.CampaignSending {
		return
	}
	p.Rate = float64(done-first.done) / span.Seconds()
	p.ETA = nil
	if left := pending(*p); p.Rate > 0 && left > 0 {
		eta := int64(float64(left)/p.Rate + 0.5)
		p.ETA = &eta
	}
}

// pending counts the e-mails the workers still have to send.
func pending(p notice.Progress) int64 {
	return p.ByStatus[notice.Queued] + p.ByStatus[notice.Sending] + p.ByStatus[notice.Retry]
}

// settled reports whether the workers have nothing more to do for now:
// the campaign is not being sent (draft, approved, paused, cancelled,
// completed), or every e-mail has ended and only letters remain.
func settled(p notice.Progress) bool {
	switch p.Status {
	case notice.CampaignPreparing:
		return false
	case notice.CampaignSending:
		return p.Total > 0 && pending(p) == 0
	}
	return true
}

// stateLabels are the short names progress shows for delivery states.
var stateLabels = map[string]string{notice.Queued: "queued", notice.Sending: "sending", notice.Retry: "retry",
	notice.Sent: "sent", notice.Failed: "failed", notice.Bounced: "bounced", notice.Letter: "letters",
	notice.Printed: "printed", notice.Mailed: "mailed", notice.Returned: "returned",
	notice.Undeliverable: "no contact", notice.Cancelled: "cancelled"}

// progressLine is one line of progress fitted to width: a bar of the
// deliveries the workers are done with, the counts by state, the rate and
// the time left.
func progressLine(p notice.Progress, width int) string {
	if p.Status == notice.CampaignPreparing {
		return "preparing: writing one delivery per person of the audience…"
	}
	var frac float64
	if p.Total > 0 {
		frac = float64(int64(p.Total)-pending(p)) / float64(p.Total)
	}
	var states []string
	for _, st := range notice.Statuses {
		if n := p.ByStatus[st]; n > 0 {
			states = append(states, fmt.Sprintf("%s %d", stateLabels[st], n))
		}
	}
	tail := fmt.Sprintf(" %5.1f%% of %d  %s  %s", 100*frac, p.Total, strings.Join(states, " · "), rateETA(p))
	if p.Status != notice.CampaignSending {
		tail += "  [" + p.Status + "]"
	}
	barWidth := min(40, width-len([]rune(tail))-3)
	if barWidth < 10 {
		return strings.TrimSpace(tail)
	}
	filled := int(frac * float64(barWidth))
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "]" + tail
}

// rateETA writes the sending rate and the time left at that rate.
func rateETA(p notice.Progress) string {
	s := fmt.Sprintf("%.1f/s", p.Rate)
	if p.ETA != nil {
		s += "  ETA " + (time.Duration(*p.ETA) * time.Second).String()
	}
	return s
}

// printSettled says where a campaign the bar stopped at stands.
func (e *env) printSettled(ctx context.Context, c *campaignCtx, id int64, p notice.Progress) error {
	cp, err := c.a.Notices.Campaign(ctx, c.call.P, id)
	if err != nil {
		return err
	}
	switch {
	case cp.Status == notice.CampaignPaused:
		fmt.Fprintf(e.stdout, "campaign %d is paused: %s\nresume it with breachline campaign resume %s %d\n", id, cp.PausedReason, c.b.cliRef(), id)
	case cp.Status == notice.CampaignSending && p.ByStatus[notice.Letter]+p.ByStatus[notice.Printed] > 0:
		fmt.Fprintf(e.stdout, "campaign %d: every e-mail has ended; %d letters remain to print and mail\n", id, p.ByStatus[notice.Letter]+p.ByStatus[notice.Printed])
	default:
		fmt.Fprintf(e.stdout, "campaign %d is %s\n", id, cp.Status)
	}
	if n := p.ByStatus[notice.Failed] + p.ByStatus[notice.Bounced]; n > 0 {
		fmt.Fprintf(e.stdout, "%d %s failed or bounced: breachline campaign retry-failed %s %d\n", n, plural(n, "e-mail", "e-mails"), c.b.cliRef(), id)
	}
	return nil
}
