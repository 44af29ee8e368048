package notice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	"github.com/breachline/breachline/internal/report"
)

// Background work is River jobs that never need River to notice a dead
// worker: a worker's claims on deliveries lapse after the lease and any
// other worker takes them back, and the sweep, every few seconds, starts
// send jobs for each sending campaign and expansion jobs for each campaign
// being prepared, unique per period, so a job lost with its process is
// replaced within a period.

// sweepEvery is how often the sweep runs; sendLoops how many send jobs it
// keeps going per campaign in each period; sendSlice how long one runs.
// Each job sends from loopsPerJob loops at once: a loop spends about as
// long on the ledger (claiming, reading the people, recording) as on its
// SMTP connection, so one loop per connection leaves the connections idle
// half the time.
const (
	sweepEvery  = 5 * time.Second
	sendLoops   = 4
	sendSlice   = 10 * time.Second
	loopsPerJob = 2
)

// ExpandArgs asks for a campaign's deliveries to be written.
type ExpandArgs struct {
	CampaignID int64 `json:"campaign_id"`
}

// Kind names the job.
func (ExpandArgs) Kind() string { return "notice_expand" }

// InsertOpts keeps one expansion of a campaign per minute.
func (ExpandArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// SendArgs asks a worker to send a campaign's deliveries for a while.
type SendArgs struct {
	CampaignID int64 `json:"campaign_id"`
	Slot       int   `json:"slot"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "notice_send" }

// InsertOpts keeps one job per campaign and slot per sweep period.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: sweepEvery}}
}

// LettersArgs asks for the print files of a campaign's letters due.
type LettersArgs struct {
	CampaignID int64 `json:"campaign_id"`
}

// Kind names the job.
func (LettersArgs) Kind() string { return "notice_letters" }

// InsertOpts keeps one letters job per campaign per minute; the sweep
// starts another while the request stands (a job lost with its process).
func (LettersArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// LettersWorker makes print files.
type LettersWorker struct {
	river.WorkerDefaults[LettersArgs]
	Service *Service
}

// Timeout bounds one run (ten thousand letters take seconds).
func (w *LettersWorker) Timeout(*river.Job[LettersArgs]) time.Duration { return 30 * time.Minute }

// Work makes the campaign's print files.
func (w *LettersWorker) Work(ctx context.Context, job *river.Job[LettersArgs]) error {
	n, err := w.Service.MakeLetters(ctx, job.Args.CampaignID)
	if errors.Is(err, report.ErrInvalidInput) {
		// The letters cannot be printed as they are (a return address too
		// long for the window): trying again would fail forever.
		w.Service.withdrawLetters(ctx, job.Args.CampaignID, err)
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	w.Service.opts.Log.Info("letters made", slog.Int64("campaign", job.Args.CampaignID), slog.Int("files", n))
	return nil
}

// SweepArgs asks for the sweep.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "notice_sweep" }

// ExpandWorker writes a campaign's deliveries.
type ExpandWorker struct {
	river.WorkerDefaults[ExpandArgs]
	Service *Service
}

// Timeout bounds one expansion (a million people take seconds).
func (w *ExpandWorker) Timeout(*river.Job[ExpandArgs]) time.Duration { return 15 * time.Minute }

// Work expands the campaign.
func (w *ExpandWorker) Work(ctx context.Context, job *river.Job[ExpandArgs]) error {
	n, err := w.Service.Expand(ctx, job.Args.CampaignID)
	if err != nil {
		return err
	}
	w.Service.opts.Log.Info("campaign expanded", slog.Int64("campaign", job.Args.CampaignID), slog.Int("deliveries", n))
	return nil
}

// SendWorker sends for one slice of time.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Timeout leaves the slice room to finish its last chunk.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return sendSlice + 2*time.Minute }

// Work sends the campaign's deliveries for one slice, from loopsPerJob
// loops at once.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	var g errgroup.Group
	for i := range loopsPerJob {
		worker := workerName(job.ID) + "/" + strconv.Itoa(i)
		g.Go(func() error {
			_, err := w.Service.SendSlice(ctx, job.Args.CampaignID, worker, sendSlice)
			if errors.Is(err, context.Canceled) {
				// Shut down mid-slice: the claims lapse and another worker
				// takes them; nothing to retry here.
				return nil
			}
			return err
		})
	}
	return g.Wait()
}

// SweepWorker runs the sweep.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work sweeps.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	return w.Service.Sweep(ctx)
}

// SweepPeriodic schedules the sweep.
func SweepPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(sweepEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return SweepArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: sweepEvery}}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}

// AddWorkers registers the notice jobs.
func AddWorkers(w *river.Workers, s *Service) {
	river.AddWorker(w, &ExpandWorker{Service: s})
	river.AddWorker(w, &SendWorker{Service: s})
	river.AddWorker(w, &SweepWorker{Service: s})
	river.AddWorker(w, &LettersWorker{Service: s})
}

// Sweep keeps campaigns moving: it starts the expansion of campaigns being
// prepared, takes back lapsed claims, completes campaigns whose every
// delivery has ended, and starts send jobs for the rest.
func (s *Service) Sweep(ctx context.Context) error {
	var active []Campaign
	if err := s.db.Gorm.WithContext(ctx).Select("id", "status").Where("status IN ?", []string{CampaignPreparing, CampaignSending}).
		Find(&active).Error; err != nil {
		return fmt.Errorf("notice sweep: %w", err)
	}
	if err := s.sweepLetters(ctx); err != nil {
		return err
	}
	for _, cp := range active {
		if cp.Status == CampaignPreparing {
			if _, err := s.deps.Jobs.Insert(ctx, ExpandArgs{CampaignID: cp.ID}, nil); err != nil {
				return fmt.Errorf("notice sweep: %w", err)
			}
			continue
		}
		if _, err := s.reclaim(ctx, cp.ID); err != nil {
			return err
		}
		done, err := s.completeIfDone(ctx, cp.ID)
		if err != nil {
			return err
		}
		if !done {
			if err := s.kick(ctx, cp.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// sweepLetters starts a letters job for every standing request whose job
// was lost (at most one per campaign per minute).
func (s *Service) sweepLetters(ctx context.Context) error {
	var ids []int64
	if err := s.db.Gorm.WithContext(ctx).Model(&Campaign{}).Where("letters_requested_at IS NOT NULL").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("notice sweep: %w", err)
	}
	for _, id := range ids {
		if _, err := s.deps.Jobs.Insert(ctx, LettersArgs{CampaignID: id}, nil); err != nil {
			return fmt.Errorf("notice sweep: %w", err)
		}
	}
	return nil
}

// kick starts the send jobs of a campaign (one per slot per period).
func (s *Service) kick(ctx context.Context, campaignID int64) error {
	for slot := 0; slot < sendLoops; slot++ {
		if _, err := s.deps.Jobs.Insert(ctx, SendArgs{CampaignID: campaignID, Slot: slot}, nil); err != nil {
			return fmt.Errorf("start sending campaign %d: %w", campaignID, err)
		}
	}
	return nil
}

// workerName names a sending worker in the ledger: the host, process and job.
func workerName(jobID int64) string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid()) + ":" + strconv.FormatInt(jobID, 10)
}
