package notice

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/roster"
)

// chunkSize is how many deliveries a worker claims and sends at a time: a
// worker killed mid-chunk resends at most these (under the same
// Message-IDs); small chunks also spread a campaign over every worker.
const chunkSize = 50

// SendSlice sends a campaign's deliveries for about the given time, chunk
// by chunk: claim, take sending budget, render, send, record. It reports
// whether work remained when the time was up. It stops early when the
// campaign is no longer sending, and pauses the campaign when the relay
// refuses everything.
func (s *Service) SendSlice(ctx context.Context, campaignID int64, worker string, slice time.Duration) (bool, error) {
	deadline := time.Now().Add(slice)
	st := &sendState{worker: worker}
	for time.Now().Before(deadline) {
		cp, err := s.loadCampaign(ctx, campaignID)
		if err != nil {
			return false, err
		}
		if cp.Status != CampaignSending {
			return false, nil
		}
		if time.Since(st.reclaimedAt) >= s.opts.Lease/3 {
			st.reclaimedAt = time.Now()
			if _, err := s.reclaim(ctx, cp.ID); err != nil {
				return false, err
			}
		}
		more, err := s.sendChunk(ctx, &cp, st, deadline)
		if err != nil || !more {
			return false, err
		}
	}
	return true, nil
}

// sendState is what a worker remembers between chunks.
type sendState struct {
	worker string
	// after is the highest delivery id the worker has claimed: the next
	// claim reads on from there; retriesAt is when it last looked for
	// retries, reclaimedAt when it last took back lapsed claims.
	after                  int64
	retriesAt, reclaimedAt time.Time
	r                      *renderer
	hash                   string
	// permanent counts consecutive permanent failures (a relay that
	// refuses everything pauses the campaign).
	permanent int
}

// sendChunk sends one chunk; more is false when nothing was due.
func (s *Service) sendChunk(ctx context.Context, cp *Campaign, st *sendState, deadline time.Time) (bool, error) {
	grant, wait, err := s.take(ctx, chunkSize)
	if err != nil {
		return false, err
	}
	if grant.n == 0 {
		sleep(ctx, min(wait, time.Until(deadline)))
		return true, nil
	}
	if d := s.paceDelay(grant, s.now()); d > 0 {
		sleep(ctx, d)
		if err := ctx.Err(); err != nil {
			_ = s.giveBack(context.WithoutCancel(ctx), grant, grant.n) // unused; the window may have passed
			return false, err
		}
	}
	claims, err := s.claimNext(ctx, cp.ID, st, grant.n)
	if err != nil {
		return false, err
	}
	if err := s.giveBack(ctx, grant, grant.n-len(claims)); err != nil {
		return false, err
	}
	if len(claims) == 0 {
		_, err := s.completeIfDone(ctx, cp.ID)
		return false, err
	}
	if err := s.ensureRenderer(ctx, cp, st); err != nil {
		return false, err
	}
	outs, err := s.deliver(ctx, cp, st, claims)
	if err != nil {
		return false, err
	}
	if err := s.record(ctx, st.worker, outs); err != nil {
		return false, err
	}
	return true, s.watchFailures(ctx, cp, st, outs)
}

// claimNext claims up to n deliveries: retries whose time has come (looked
// for at most once a second), then queued ones after the last this worker
// claimed, then, past the end of the queue, queued ones behind it (notices
// put back in the queue, a dead worker's).
func (s *Service) claimNext(ctx context.Context, campaignID int64, st *sendState, n int) ([]claimed, error) {
	var claims []claimed
	take := func(status string, after int64) error {
		if len(claims) >= n {
			return nil
		}
		more, err := s.claim(ctx, campaignID, st.worker, n-len(claims), status, after)
		claims = append(claims, more...)
		for _, c := range more {
			if status == Queued {
				st.after = max(st.after, c.ID)
			}
		}
		return err
	}
	var err error
	if time.Since(st.retriesAt) >= time.Second {
		st.retriesAt = time.Now()
		err = take(Retry, 0)
	}
	from := st.after
	if err == nil {
		err = take(Queued, from)
	}
	if err == nil && from > 0 && len(claims) < n {
		err = take(Queued, 0)
	}
	return claims, err
}

// ensureRenderer parses the campaign once per worker (again if its
// content changed, which it cannot while sending, but the check is cheap).
func (s *Service) ensureRenderer(ctx context.Context, cp *Campaign, st *sendState) error {
	if st.r != nil && st.hash == cp.ApprovedHash {
		st.r.c = cp
		return nil
	}
	r, err := s.newRenderer(ctx, s.db.Gorm, cp)
	if err != nil {
		return err
	}
	st.r, st.hash = r, cp.ApprovedHash
	return nil
}

// deliver renders and sends a chunk over one connection, keeping the
// claims alive meanwhile, and returns each delivery's outcome.
func (s *Service) deliver(ctx context.Context, cp *Campaign, st *sendState, claims []claimed) ([]outcome, error) {
	ids := make([]int64, len(claims))
	for i, c := range claims {
		ids[i] = c.PersonID
	}
	people, err := s.deps.People.ByIDs(ctx, s.db.Gorm, cp.BreachID, ids)
	if err != nil {
		return nil, err
	}
	outs := make([]outcome, len(claims))
	var msgs []*mail.Message
	var idx []int
	for i, c := range claims {
		p, ok := people[c.PersonID]
		outs[i] = outcome{id: c.ID, attempts: c.Attempts}
		if !ok {
			outs[i].result = mail.Result{Class: mail.Permanent, Err: fmt.Errorf("the person is no longer in the roster")}
			continue
		}
		outs[i].fallback = channelOf(reach{Address1: p.Address1, PostalCode: p.PostalCode}) == ChannelPostal
		m, err := s.message(cp, st.r, c, p)
		if err != nil {
			outs[i].result = mail.Result{Class: mail.Permanent, Err: err}
			continue
		}
		msgs, idx = append(msgs, m), append(idx, i)
	}
	stop := s.keepAlive(ctx, st.worker, claimIDs(claims))
	results := s.deps.Mail.Send(ctx, msgs)
	stop()
	for j, r := range results {
		outs[idx[j]].result = r
	}
	return outs, nil
}

// message renders one person's notice as the message to send.
func (s *Service) message(cp *Campaign, r *renderer, c claimed, p roster.StoredPerson) (*mail.Message, error) {
	msg, err := r.render(c.Language, p, s.keys.Code(cp.ID, p.ID))
	if err != nil {
		return nil, err
	}
	m := s.mailMessage(cp, p, msg)
	m.ID = c.MessageID
	if emailOf(reachOfPerson(p)) == "" {
		return nil, fmt.Errorf("the person has no usable e-mail address any more")
	}
	return m, nil
}

func claimIDs(claims []claimed) []int64 {
	out := make([]int64, len(claims))
	for i, c := range claims {
		out[i] = c.ID
	}
	return out
}

// keepAlive renews the claims every third of the lease until stopped.
func (s *Service) keepAlive(ctx context.Context, worker string, ids []int64) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(s.opts.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := s.heartbeat(context.WithoutCancel(ctx), worker, ids); err != nil {
					s.opts.Log.Warn("notice claims not renewed", slog.String("error", err.Error()))
				}
			}
		}
	}()
	return func() { close(done) }
}

// watchFailures pauses the campaign after too many permanent failures in a
// row (the relay refuses everything) and tells the privacy officers.
func (s *Service) watchFailures(ctx context.Context, cp *Campaign, st *sendState, outs []outcome) error {
	for _, o := range outs {
		if o.result.Class == mail.Permanent {
			st.permanent++
		} else {
			st.permanent = 0
		}
	}
	if s.opts.PauseAfter <= 0 || st.permanent < s.opts.PauseAfter {
		return nil
	}
	reason := fmt.Sprintf("paused after %d messages in a row were refused for good (last: %s)", st.permanent, trimTo(replyText(outs[len(outs)-1].result), 200))
	res := s.db.Gorm.WithContext(ctx).Model(&Campaign{}).Where("id = ? AND status = ?", cp.ID, CampaignSending).
		Updates(map[string]any{"status": CampaignPaused, "paused_reason": reason, "updated_at": s.now()})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	if err := auth.Audit(ctx, s.db.Gorm, nil, "", cp.OrganizationID, "campaign.pause", "campaign", strconv.FormatInt(cp.ID, 10),
		map[string]any{"paused_reason": reason, "by": "error threshold"}); err != nil {
		return err
	}
	s.tellOfficers(ctx, cp, reason)
	return nil
}

// tellOfficers e-mails the organization's privacy officers (its admins when
// it has none) that a campaign stopped.
func (s *Service) tellOfficers(ctx context.Context, cp *Campaign, reason string) {
	people, err := s.deps.Orgs.Contacts(ctx, s.db.Gorm, []int64{cp.OrganizationID}, []auth.Role{auth.RolePrivacyOfficer, auth.RoleAdmin})
	if err != nil {
		s.opts.Log.Error("campaign paused; officers not told", slog.Int64("campaign", cp.ID), slog.String("error", err.Error()))
		return
	}
	link := strings.TrimRight(s.opts.BaseURL, "/") + "/campaigns/" + strconv.FormatInt(cp.ID, 10)
	var msgs []*mail.Message
	for _, p := range people {
		msgs = append(msgs, &mail.Message{To: p.Email, Subject: "Notices paused: " + headerSafe(cp.Name),
			Text: fmt.Sprintf("The campaign %q stopped sending: %s.\n\nCheck the mail relay, then resume or cancel the campaign:\n%s\n", cp.Name, reason, link)})
	}
	for _, r := range s.deps.Mail.Send(ctx, msgs) {
		if r.Err != nil {
			s.opts.Log.Error("campaign paused; an officer was not told", slog.Int64("campaign", cp.ID), slog.String("error", r.Err.Error()))
		}
	}
}

func (s *Service) loadCampaign(ctx context.Context, id int64) (Campaign, error) {
	var cp Campaign
	if err := s.db.Gorm.WithContext(ctx).Take(&cp, id).Error; err != nil {
		return Campaign{}, fmt.Errorf("campaign %d: %w", id, err)
	}
	return cp, nil
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
