package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/breachline/breachline/internal/app/apptest"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/config"
	"github.com/breachline/breachline/internal/db"
	"github.com/breachline/breachline/internal/db/dbtest"
	"github.com/breachline/breachline/internal/mail/mailtest"
	"github.com/breachline/breachline/internal/notice"
)

// loadResult is one open-loop run: the latency of every request (a failed
// one until it failed), and how many were sent and failed.
type loadResult struct {
	lat      []time.Duration
	sent     int
	failed   int
	took     time.Duration
	firstErr string
}

func (r loadResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), r.lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// rate is the requests answered as wanted per second.
func (r loadResult) rate() float64 { return float64(r.sent-r.failed) / r.took.Seconds() }

// openLoop sends rate requests a second for d, each at its own time
// whatever the answers before it (so a slow answer does not hold back the
// next request and hide itself), and times each from when it was due.
func openLoop(client *http.Client, rate int, d time.Duration, req func(i int) (*http.Request, error), ok func(*http.Response) bool) loadResult {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var out loadResult
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	n := int(d / interval)
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			good, why := false, ""
			r, err := req(i)
			if err == nil {
				var res *http.Response
				if res, err = client.Do(r); err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					good, why = ok(res), res.Status
				}
			}
			if err != nil {
				why = err.Error()
			}
			lat := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			out.sent++
			// A failed request counts in the percentiles with the time it
			// took to fail (at most the client's timeout).
			out.lat = append(out.lat, lat)
			if !good {
				out.failed++
				if out.firstErr == "" {
					out.firstErr = why
				}
			}
		}(i)
	}
	wg.Wait()
	out.took = time.Since(start)
	return out
}

// BenchmarkVerifyWhileSending holds 500 genuine code checks a second on
// /verify for ten seconds, on PostgreSQL and on SQLite (sub-benchmarks
// postgres and sqlite), while the workers send a campaign
// of 20,000 notices (capped at 500 a second so that it is still sending
// throughout), and reports the checks' p50 and p99 from when each was due
// (target: p99 under 50 ms) and the rate achieved; the baseline is
// /healthz at the same rate in the same run, before the checks. Each
// check comes from a visitor's own address (through a trusted proxy), so
// every one is within the default per-client limit.
func BenchmarkVerifyWhileSending(b *testing.B) {
	for _, dialect := range dbtest.Dialects {
		b.Run(string(dialect), func(b *testing.B) { verifyWhileSending(b, dialect) })
	}
}

func verifyWhileSending(b *testing.B, dialect db.Dialect) {
	const people, secs = 20000, 10
	rate := 500
	if v, err := strconv.Atoi(os.Getenv("BREACHLINE_VERIFY_BENCH_RATE")); err == nil && v > 0 {
		rate = v // to find where the machine's limit is
	}
	opts := dbtest.Options(b, dialect)
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	sink := mailtest.Start(b, mailtest.Options{Discard: true})
	secret := strings.Repeat("c4", 32)
	e := apptest.NewWith(b, d, func(c *config.Config) {
		c.SMTPURL, c.MailFrom, c.SecretKey = sink.URL(), benchFrom, secret
		// As serve has it: on PostgreSQL the public pages then get a
		// pool of their own.
		c.DatabaseURL = opts.URL
		c.NoticePerSecond, c.VerifyGlobal = 500, 1<<30
		// The checks come through a proxy on this machine from many
		// visitors' addresses, each within its own limit.
		c.TrustedProxies = []string{"127.0.0.1"}
	})
	n, cp := verifyBenchCampaign(b, e, people)
	keys, err := notice.NewKeys([]byte(secret))
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	n.App.DB.Gorm.Raw("SELECT person_id FROM deliveries WHERE campaign_id = ? ORDER BY person_id", cp).Scan(&ids)
	codes := make([]string, len(ids))
	for i, id := range ids {
		codes[i] = keys.Code(cp, id)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- n.App.RunWorkers(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			b.Error(err)
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000}, Timeout: 10 * time.Second}
	for b.Loop() {
		sentBefore := sink.Count()
		cpu0 := processCPU()
		base := openLoop(client, rate, secs*time.Second, func(int) (*http.Request, error) {
			return http.NewRequest("GET", n.HTTP.URL+"/healthz", nil)
		}, func(r *http.Response) bool { return r.StatusCode == http.StatusOK })
		cpu1 := processCPU()
		verify := openLoop(client, rate, secs*time.Second, func(i int) (*http.Request, error) {
			r, err := http.NewRequest("POST", n.HTTP.URL+"/verify", strings.NewReader("code="+url.QueryEscape(codes[i%len(codes)])))
			if err == nil {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256))
			}
			return r, err
		}, func(r *http.Response) bool { return r.StatusCode == http.StatusOK })
		cpu2 := processCPU()
		sentDuring := sink.Count() - sentBefore
		if sqlDB, err := n.App.DB.Gorm.DB(); err == nil {
			st := sqlDB.Stats()
			b.Logf("database pool: %d open (max %d), %d waits for a connection, %v waiting in all", st.OpenConnections, st.MaxOpenConnections, st.WaitCount, st.WaitDuration)
		}
		if verify.failed > 0 || base.failed > 0 {
			b.Logf("failed requests: verify %d of %d (%s), healthz %d of %d (%s)", verify.failed, verify.sent, verify.firstErr,
				base.failed, base.sent, base.firstErr)
		}
		var status string
		n.App.DB.Gorm.Raw("SELECT status FROM campaigns WHERE id = ?", cp).Scan(&status)
		b.ReportMetric(float64(verify.pct(0.5).Microseconds())/1000, "verify_p50_ms")
		b.ReportMetric(float64(verify.pct(0.99).Microseconds())/1000, "verify_p99_ms")
		b.ReportMetric(verify.rate(), "verify_req/s")
		b.ReportMetric(float64(verify.failed), "verify_failed")
		b.ReportMetric(float64(base.pct(0.5).Microseconds())/1000, "healthz_p50_ms")
		b.ReportMetric(float64(base.pct(0.99).Microseconds())/1000, "healthz_p99_ms")
		b.ReportMetric(base.rate(), "healthz_req/s")
		// The process's CPU time (server, workers, mail sink and load
		// alike) per request in each phase: the sending costs the same in
		// both, so the difference is what a check costs beyond /healthz,
		// whatever else runs on the machine. The database's own CPU is
		// not in it.
		healthzCPU, verifyCPU := float64((cpu1-cpu0).Microseconds())/float64(base.sent), float64((cpu2-cpu1).Microseconds())/float64(verify.sent)
		b.ReportMetric(verifyCPU/1000, "verify_cpu_ms/req")
		b.ReportMetric(healthzCPU/1000, "healthz_cpu_ms/req")
		b.Logf("process CPU per request: verify %.2f ms, /healthz %.2f ms (with the sending in both)", verifyCPU/1000, healthzCPU/1000)
		b.Logf("verify: %d genuine checks at %d/s: p50 %v, p99 %v (target < 50ms), %.0f req/s achieved, %d failed; baseline /healthz p50 %v, p99 %v, %.0f req/s; notices sent meanwhile %d (campaign %s)",
			verify.sent, rate, verify.pct(0.5).Round(10*time.Microsecond), verify.pct(0.99).Round(10*time.Microsecond), verify.rate(), verify.failed,
			base.pct(0.5).Round(10*time.Microsecond), base.pct(0.99).Round(10*time.Microsecond), base.rate(), sentDuring, status)
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// verifyBenchCampaign seeds people and a campaign for them, approved,
// started and expanded (its codes exist), not yet sent.
func verifyBenchCampaign(b *testing.B, e *apptest.Env, people int) (*benchNotices, int64) {
	b.Helper()
	org := e.Org("acme")
	admin := e.User("admin@acme.example", org, auth.RoleAdmin)
	if res := e.Do("PATCH", "/api/v1/organizations/acme", admin, map[string]any{"roles": []string{"commercial_org"},
		"home_jurisdiction": "CA-ON", "contact_email": "privacy@acme.example", "contact_phone": "1-800-555-0100"}); res.Status != 200 {
		b.Fatalf("organization: %d %s", res.Status, res.Body)
	}
	br := e.Breach(admin, map[string]any{"organization": "acme", "title": "Mailing list exposed",
		"description": "A misconfigured server exposed our customer mailing list.", "kinds": []string{"unauthorized_access"},
		"data_categories": []string{"name", "contact"}, "containment": "We closed the server the same day.",
		"events": []map[string]string{{"kind": "occurred", "at": "2026-11-02T09:00:00-05:00", "zone": "America/Toronto"}}})
	p, err := e.App.Auth.PrincipalFromToken(context.Background(), admin)
	if err != nil {
		b.Fatal(err)
	}
	n := &benchNotices{Env: e, call: breach.Call{P: p}, breach: br}
	if e.App.DB.Dialect == db.SQLite {
		n.exec(`INSERT INTO affected_people (breach_id, row_number, external_id, name, email, region, country, language, channel, created_at)
			WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			SELECT ?, i, 'P' || i, printf('Person %07d', i), printf('person%07d@example.org', i), 'CA-ON', 'CA', 'en', 'email', CURRENT_TIMESTAMP
			FROM seq`, people, br)
	} else {
		n.exec(`INSERT INTO affected_people (breach_id, row_number, external_id, name, email, region, country, language, channel, created_at)
			SELECT ?, i, 'P' || i, 'Person ' || lpad(i::text, 7, '0'), 'person' || lpad(i::text, 7, '0') || '@example.org',
			       'CA-ON', 'CA', 'en', 'email', now()
			FROM generate_series(1, ?) AS i`, br, people)
	}
	n.exec("ANALYZE affected_people")
	ctx := context.Background()
	cp, _, _ := n.approvedCampaign(ctx)
	if _, err := n.App.Notices.Send(ctx, n.call, cp.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := n.App.Notices.Expand(ctx, cp.ID); err != nil {
		b.Fatal(err)
	}
	if got := n.count("SELECT count(*) FROM deliveries WHERE campaign_id = ?", cp.ID); got != int64(people) {
		b.Fatalf("%d deliveries, want %d", got, people)
	}
	return n, cp.ID
}
