package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
)

// benchNotices is an application on PostgreSQL sending to an in-process
// SMTP sink, with one breach whose people are seeded in SQL.
type benchNotices struct {
	*apptest.Env
	sink   *mailtest.Server
	call   breach.Call
	breach int64
}

const benchFrom = "Acme Privacy <privacy@acme.example>"

func newBenchNotices(b *testing.B, people int) *benchNotices {
	b.Helper()
	url := dbtest.CreatePostgres(b)
	d, err := db.Open(context.Background(), db.Options{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	sink := mailtest.Start(b, mailtest.Options{Discard: true})
	e := apptest.NewWith(b, d, func(c *config.Config) {
		c.SMTPURL, c.MailFrom, c.SecretKey = sink.URL(), benchFrom, strings.Repeat("b3", 32)
	})
	org := e.Org("acme")
	admin := e.User("admin@acme.example", org, auth.RoleAdmin)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"commercial_org"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100"}); res.Status != 200 {
		b.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	res := e.Do("POST", "/api/v1/breaches", admin, map[string]any{"organization": "acme", "title": "Mailing list exposed",
		"description": "A misconfigured server exposed our customer mailing list.", "kinds": []string{"unauthorized_access"},
		"data_categories": []string{"name", "contact"}, "containment": "We closed the server the same day.",
		"events": []map[string]string{{"kind": "occurred", "at": "2026-11-02T09:00:00-05:00", "zone": "America/Toronto"}}})
	if res.Status != http.StatusCreated {
		b.Fatalf("breach: %d %s", res.Status, res.Body)
	}
	var br struct{ ID int64 }
	res.JSON(b, &br)
	p, err := e.App.Auth.PrincipalFromToken(context.Background(), admin)
	if err != nil {
		b.Fatal(err)
	}
	n := &benchNotices{Env: e, sink: sink, call: breach.Call{P: p}, breach: br.ID}
	n.exec(`INSERT INTO affected_people (breach_id, row_number, external_id, name, email, region, country, language, channel, created_at)
		SELECT ?, i, 'P' || i, 'Person ' || lpad(i::text, 7, '0'), 'person' || lpad(i::text, 7, '0') || '@example.org',
		       'CA-ON', 'CA', 'en', 'email', now()
		FROM generate_series(1, ?) AS i`, br.ID, people)
	n.exec("ANALYZE affected_people")
	return n
}

func (n *benchNotices) exec(q string, args ...any) {
	n.T.Helper()
	if err := n.App.DB.Gorm.Exec(q, args...).Error; err != nil {
		n.T.Fatal(err)
	}
}

func (n *benchNotices) count(q string, args ...any) int64 {
	n.T.Helper()
	var c int64
	if err := n.App.DB.Gorm.Raw(q, args...).Scan(&c).Error; err != nil {
		n.T.Fatal(err)
	}
	return c
}

// benchParagraph makes the campaign's texts long enough for a notice of
// about 4 KB, text and HTML together.
const benchParagraph = "On 2 November 2026 we learned that a server we use to send our newsletter had been set up so that " +
	"anyone who knew its address could read the list of people who receive it. The list holds names and e-mail addresses. "

// campaign creates a draft campaign for the whole roster.
func (n *benchNotices) campaign(ctx context.Context) notice.Campaign {
	n.T.Helper()
	name, set, lang := "First notice", "general", "en"
	content := notice.Content{"en": {
		"what_happened":     benchParagraph,
		"what_we_are_doing": "We closed the server the same day and checked every other server set up the same way.",
		"what_you_can_do":   "Be careful with e-mails that ask for personal information, and never give a password by e-mail.",
		"complaint_process": "Write to our privacy office first. You may also complain to the Privacy Commissioner of Canada.",
	}}
	cp, err := n.App.Notices.CreateCampaign(ctx, n.call, n.breach, notice.CampaignInput{Name: &name, TemplateSet: &set, DefaultLanguage: &lang, Content: &content})
	if err != nil {
		n.T.Fatal(err)
	}
	return cp
}

// BenchmarkNoticeSend100k sends 100,000 personalised notices through the
// notice workers (claim, render, send over the SMTP pool, record in the
// ledger) to an in-process sink on PostgreSQL, and the same messages with
// a plain go-mail loop over as many connections to the same sink; it
// reports both rates and their ratio.
func BenchmarkNoticeSend100k(b *testing.B) {
	const people = 100000
	n := newBenchNotices(b, people)
	ctx := context.Background()
	conns := n.App.Cfg.SMTPPoolSize
	for b.Loop() {
		cp, sample, size := n.approvedCampaign(ctx)
		msgs := plainNotices(sample, cp.ID, people)
		// The baseline runs before and after the notices, and counts as
		// their mean, so that a change of pace on the machine meanwhile
		// weighs on both sides alike.
		before := n.sendPlain(b, msgs, conns)
		if _, err := n.App.Notices.Send(ctx, n.call, cp.ID); err != nil {
			b.Fatal(err)
		}
		// Expanded here, so that the time measured is the sending alone
		// (the expansion job the workers find has nothing left to do).
		if _, err := n.App.Notices.Expand(ctx, cp.ID); err != nil {
			b.Fatal(err)
		}
		sent := n.sendAll(b, cp.ID, people, n.sink.Count()+people)
		after := n.sendPlain(b, msgs, conns)
		plain := (before + after) / 2
		plainRate, noticeRate := people/plain.Seconds(), people/sent.Seconds()
		b.ReportMetric(noticeRate, "notice_msgs/s")
		b.ReportMetric(plainRate, "gomail_msgs/s")
		b.ReportMetric(noticeRate/plainRate, "notice/gomail")
		b.ReportMetric(float64(size), "bytes/msg")
		b.Logf("notice send: %d notices of %d bytes over %d connections in %v, %.0f msg/s (target ≥ 2000); plain go-mail loop %v and %v, %.0f msg/s; ratio %.2f (target ≥ 0.8)",
			people, size, conns, sent.Round(time.Millisecond), noticeRate, before.Round(time.Millisecond), after.Round(time.Millisecond), plainRate, noticeRate/plainRate)
	}
}

// approvedCampaign creates a campaign for the whole roster and approves
// it; it returns a sample of its notices and the size of one as sent.
func (n *benchNotices) approvedCampaign(ctx context.Context) (notice.Campaign, notice.Sample, int) {
	n.T.Helper()
	cp := n.campaign(ctx)
	rv, err := n.App.Notices.Review(ctx, n.call, cp.ID)
	if err != nil || !rv.Ready {
		n.T.Fatalf("review: %v %v", err, rv.Problems)
	}
	if _, err := n.App.Notices.Approve(ctx, n.call, cp.ID, rv.ContentHash); err != nil {
		n.T.Fatal(err)
	}
	eml, err := n.App.Notices.PreviewEML(ctx, n.call, cp.ID, rv.Samples[0].PersonID)
	if err != nil {
		n.T.Fatal(err)
	}
	return cp, rv.Samples[0], len(eml)
}

// sendPlain sends msgs with the plain go-mail loop.
func (n *benchNotices) sendPlain(b *testing.B, msgs []*mail.Message, conns int) time.Duration {
	b.Helper()
	took, err := mailtest.SendPlain(n.sink.Addr, benchFrom, msgs, conns, 50)
	if err != nil {
		b.Fatal(err)
	}
	return took
}

// plainNotices are the campaign's messages as a go-mail loop would send
// them: the sample's rendered notice (the first person's) with each
// person's name and address.
func plainNotices(s notice.Sample, campaignID int64, people int) []*mail.Message {
	const sampleName = "Person 0000001"
	msgs := make([]*mail.Message, people)
	for i := range msgs {
		name := fmt.Sprintf("Person %07d", i+1)
		msgs[i] = &mail.Message{ID: fmt.Sprintf("plain.%d.%d@acme.example", campaignID, i), To: fmt.Sprintf("person%07d@example.org", i+1),
			ToName: name, Subject: s.Subject, Text: strings.ReplaceAll(s.Text, sampleName, name), HTML: strings.ReplaceAll(s.HTML, sampleName, name),
			Headers: map[string]string{"X-Breachline-Campaign": strconv.FormatInt(campaignID, 10)}}
	}
	return msgs
}

// sendAll runs the workers until the sink has received want messages and
// the ledger records every notice sent, and returns the time taken.
func (n *benchNotices) sendAll(b *testing.B, id int64, people, want int) time.Duration {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	start := time.Now()
	go func() { errc <- n.App.RunWorkers(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			b.Error(err)
		}
	}()
	deadline := start.Add(10 * time.Minute)
	for n.sink.Count() < want || n.count("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND status = ?", id, notice.Sent) < int64(people) {
		if time.Now().After(deadline) {
			b.Fatalf("not sent within 10 minutes: the sink has %d messages", n.sink.Count())
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	if got := n.sink.Count(); got != want {
		b.Fatalf("the sink received %d messages, want %d", got, want)
	}
	return took
}

// BenchmarkNoticeExpand1M expands a campaign for 1,000,000 people into
// its deliveries on PostgreSQL, and reports the time and the process's
// peak resident memory during it. The baseline is the database alone
// writing as many delivery rows with one INSERT … SELECT.
func BenchmarkNoticeExpand1M(b *testing.B) {
	const people = 1000000
	n := newBenchNotices(b, people)
	ctx := context.Background()
	for b.Loop() {
		base := n.campaign(ctx)
		start := time.Now()
		n.exec(`INSERT INTO deliveries (campaign_id, person_id, channel, language, status, code_hash, code_key, message_id, attempts, updated_at)
			SELECT ?, id, 'email', 'en', 'queued', h, ('x' || substr(h, 1, 16))::bit(64)::bigint, 'notice.' || ?::bigint || '.' || id || '@acme.example', 0, now()
			FROM (SELECT id, md5(id::text || 'code') || md5(id::text || 'more') AS h FROM affected_people WHERE breach_id = ?) AS p`, base.ID, base.ID, n.breach)
		baseline := time.Since(start)

		cp := n.campaign(ctx)
		n.exec("UPDATE campaigns SET status = ? WHERE id = ?", notice.CampaignPreparing, cp.ID)
		debug.FreeOSMemory()
		resetPeakRSS(b)
		start = time.Now()
		total, err := n.App.Notices.Expand(ctx, cp.ID)
		took := time.Since(start)
		if err != nil || total != people {
			b.Fatalf("expand: %d deliveries, %v", total, err)
		}
		rss := peakRSS(b)
		b.ReportMetric(took.Seconds(), "expand_s")
		b.ReportMetric(baseline.Seconds(), "insert_select_s")
		b.ReportMetric(took.Seconds()/baseline.Seconds(), "expand/insert_select")
		b.ReportMetric(float64(rss)/(1<<20), "peak_rss_MB")
		b.Logf("notice expand: %d deliveries in %v (target < 15s), peak RSS %d MB (target < 300 MB); the database alone (INSERT … SELECT) %v; ratio %.2f",
			people, took.Round(time.Millisecond), rss>>20, baseline.Round(time.Millisecond), took.Seconds()/baseline.Seconds())
	}
}

// resetPeakRSS resets the process's peak resident set size (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak RSS: %v", err)
	}
}

// peakRSS is the process's peak resident set size since the reset, bytes.
func peakRSS(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
