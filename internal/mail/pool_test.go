package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

func newPool(t *testing.T, url string, opts ...func(*bmail.PoolOptions)) *bmail.Pool {
	t.Helper()
	o := bmail.PoolOptions{SMTPOptions: bmail.SMTPOptions{URL: url, From: from, Timeout: 5 * time.Second, Now: func() time.Time { return fixed }}}
	for _, f := range opts {
		f(&o)
	}
	p, err := bmail.NewPool(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func msgsTo(addrs ...string) []*bmail.Message {
	out := make([]*bmail.Message, len(addrs))
	for i, a := range addrs {
		out[i] = &bmail.Message{To: a, Subject: "Notice", Text: "Body for " + a}
	}
	return out
}

// classes lists the results' classes, for compact comparisons.
func classes(res []bmail.Result) string {
	var b strings.Builder
	for i, r := range res {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(r.Class.String())
	}
	return b.String()
}

func wantClasses(t *testing.T, res []bmail.Result, want string) {
	t.Helper()
	if got := classes(res); got != want {
		for i, r := range res {
			t.Logf("result %d: %v %d %q %v", i, r.Class, r.Code, r.Reply, r.Err)
		}
		t.Fatalf("classes %q, want %q", got, want)
	}
}

// eventually polls cond for up to two seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func TestPoolReusesOneConnectionAcrossSends(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL())
	for i := range 5 {
		res := p.Send(context.Background(), msgsTo(fmt.Sprintf("a%d@example.org", i), fmt.Sprintf("b%d@example.org", i)))
		wantClasses(t, res, "delivered delivered")
		if !strings.HasPrefix(res[0].Reply, "250") {
			t.Fatalf("reply %q", res[0].Reply)
		}
		if got := srv.ByMessageID(res[1].MessageID); len(got) != 1 || got[0].To[0] != fmt.Sprintf("b%d@example.org", i) {
			t.Fatalf("message %s on the server: %+v", res[1].MessageID, got)
		}
	}
	if srv.Connections() != 1 || srv.Count() != 10 {
		t.Fatalf("%d messages over %d connections, want 10 over 1", srv.Count(), srv.Connections())
	}
}

func TestPoolConcurrentSendsUseUpToSizeConnections(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.Size = 2 })
	var wg sync.WaitGroup
	peak := 0
	var mu sync.Mutex
	for i := range 6 {
		addr := fmt.Sprintf("slow%d@example.org", i)
		srv.Stall(addr, 150*time.Millisecond, 1)
		wg.Go(func() {
			res := p.Send(context.Background(), msgsTo(addr))
			mu.Lock()
			defer mu.Unlock()
			peak = max(peak, srv.Open())
			if res[0].Class != bmail.Delivered {
				t.Errorf("%s: %v %v", addr, res[0].Class, res[0].Err)
			}
		})
	}
	wg.Wait()
	if srv.Connections() != 2 || peak != 2 {
		t.Fatalf("opened %d connections (peak %d open), want 2", srv.Connections(), peak)
	}
}

func TestPoolWaitsForAConnectionUntilTheContextEnds(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.Size = 1 })
	srv.Stall("slow@example.org", 400*time.Millisecond, 1)
	started := make(chan struct{})
	done := make(chan []bmail.Result)
	go func() {
		close(started)
		done <- p.Send(context.Background(), msgsTo("slow@example.org"))
	}()
	<-started
	eventually(t, "the slow message holds the connection", func() bool { return srv.Attempts("slow@example.org") == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res := p.Send(ctx, msgsTo("waiting@example.org"))
	if res[0].Class != bmail.Temporary || !errors.Is(res[0].Err, context.DeadlineExceeded) {
		t.Fatalf("waiting send: %v %v", res[0].Class, res[0].Err)
	}
	wantClasses(t, <-done, "delivered")
	if srv.Attempts("waiting@example.org") != 0 {
		t.Fatal("the waiting message reached the server")
	}
}

func TestPoolKeepsTheServersReply(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Refuse("gone@example.org", 550, smtp.EnhancedCode{5, 1, 1}, "user unknown")
	srv.RefuseTimes("busy@example.org", 2, 451, smtp.EnhancedCode{4, 3, 0}, "try again later")
	p := newPool(t, srv.URL())
	for round, want := range []string{"delivered permanent temporary", "delivered permanent temporary", "delivered permanent delivered"} {
		res := p.Send(context.Background(), msgsTo("ok@example.org", "gone@example.org", "busy@example.org"))
		wantClasses(t, res, want)
		if r := res[1]; r.Code != 550 || r.Reply != "550 5.1.1 user unknown" || !strings.Contains(r.Err.Error(), "550 5.1.1 user unknown") {
			t.Fatalf("round %d refusal: %d %q %v", round, r.Code, r.Reply, r.Err)
		}
		if te := (*textproto.Error)(nil); !errors.As(res[1].Err, &te) || te.Code != 550 {
			t.Fatalf("round %d: the refusal does not unwrap to the reply: %v", round, res[1].Err)
		}
		if round < 2 && (res[2].Code != 451 || res[2].Reply != "451 4.3.0 try again later") {
			t.Fatalf("round %d: %d %q", round, res[2].Code, res[2].Reply)
		}
	}
	if srv.Attempts("busy@example.org") != 3 || len(srv.To("busy@example.org")) != 1 || srv.Connections() != 1 {
		t.Fatalf("attempts %d, received %d, connections %d", srv.Attempts("busy@example.org"), len(srv.To("busy@example.org")), srv.Connections())
	}
}

func TestPoolDropInDataIsTemporaryAndTheRestGoOnAFreshConnection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.DropInData("drop@example.org", 1)
	p := newPool(t, srv.URL())
	res := p.Send(context.Background(), msgsTo("a@example.org", "drop@example.org", "b@example.org", "c@example.org"))
	wantClasses(t, res, "delivered temporary delivered delivered")
	if res[1].Code != 0 || res[1].Reply != "" || res[1].Err == nil || res[1].MessageID == "" {
		t.Fatalf("dropped: %+v", res[1])
	}
	if srv.Connections() != 2 || len(srv.To("drop@example.org")) != 0 || srv.Count() != 3 {
		t.Fatalf("connections %d, count %d", srv.Connections(), srv.Count())
	}
	res = p.Send(context.Background(), msgsTo("drop@example.org"))
	wantClasses(t, res, "delivered")
}

func TestPoolGivesUpAfterThreeBrokenConnections(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.DropInData("drop@example.org", 100)
	p := newPool(t, srv.URL())
	res := p.Send(context.Background(), msgsTo(strings.Split(strings.Repeat("drop@example.org ", 6), " ")[:6]...))
	wantClasses(t, res, "temporary temporary temporary temporary temporary temporary")
	if !errors.Is(res[5].Err, bmail.ErrGaveUp) || srv.Connections() != 3 || srv.Attempts("drop@example.org") != 3 {
		t.Fatalf("err %v, connections %d, attempts %d", res[5].Err, srv.Connections(), srv.Attempts("drop@example.org"))
	}
}

func TestPoolStalledReplyTimesOut(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Stall("slow@example.org", time.Second, 1)
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.Timeout = 200 * time.Millisecond })
	res := p.Send(context.Background(), msgsTo("slow@example.org", "next@example.org"))
	wantClasses(t, res, "temporary delivered")
	if !strings.Contains(res[0].Err.Error(), "timeout") {
		t.Fatalf("stall: %v", res[0].Err)
	}
	// The server took the message after all: a retry will duplicate it,
	// with the same Message-ID.
	eventually(t, "the stalled message is recorded", func() bool { return len(srv.ByMessageID(res[0].MessageID)) == 1 })
}

func TestPoolResendsWhenAnIdleConnectionWasDropped(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL())
	wantClasses(t, p.Send(context.Background(), msgsTo("a@example.org")), "delivered")
	srv.DropConnections()
	eventually(t, "the server side is closed", func() bool { return srv.Open() == 0 })
	wantClasses(t, p.Send(context.Background(), msgsTo("b@example.org", "c@example.org")), "delivered delivered")
	if srv.Connections() != 2 || srv.Count() != 3 {
		t.Fatalf("connections %d, count %d", srv.Connections(), srv.Count())
	}
}

func TestPoolChecksAnIdleConnectionBeforeReuse(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.IdleTimeout = 2 * time.Second })
	wantClasses(t, p.Send(context.Background(), msgsTo("a@example.org")), "delivered")
	time.Sleep(600 * time.Millisecond) // past a quarter of IdleTimeout: NOOP first
	wantClasses(t, p.Send(context.Background(), msgsTo("b@example.org")), "delivered")
	srv.DropConnections()
	time.Sleep(600 * time.Millisecond)
	// Found dead by NOOP, the old connection does not count against the
	// batch: two drops leave room for the third message (a stale MAIL FROM
	// would have been the third break).
	srv.DropInData("c@example.org", 1)
	srv.DropInData("e@example.org", 1)
	res := p.Send(context.Background(), msgsTo("c@example.org", "e@example.org", "f@example.org"))
	wantClasses(t, res, "temporary temporary delivered")
	if srv.Connections() != 4 {
		t.Fatalf("connections %d, want 4", srv.Connections())
	}
}

func TestPoolClosingReplyMovesToAFreshConnection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.RefuseTimes("a@example.org", 1, 421, smtp.EnhancedCode{4, 7, 0}, "too many messages, closing")
	p := newPool(t, srv.URL())
	wantClasses(t, p.Send(context.Background(), msgsTo("a@example.org", "b@example.org")), "delivered delivered")
	if srv.Connections() != 2 {
		t.Fatalf("connections %d, want 2", srv.Connections())
	}
}

func TestPoolClosesIdleConnections(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.IdleTimeout = 100 * time.Millisecond })
	wantClasses(t, p.Send(context.Background(), msgsTo("a@example.org")), "delivered")
	if srv.Open() != 1 {
		t.Fatalf("open %d after a send, want 1", srv.Open())
	}
	eventually(t, "the idle connection is closed", func() bool { return srv.Open() == 0 })
	wantClasses(t, p.Send(context.Background(), msgsTo("b@example.org")), "delivered")
	if srv.Connections() != 2 {
		t.Fatalf("connections %d, want 2", srv.Connections())
	}
}

func TestPoolMaxPerConnection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.MaxPerConn = 2 })
	for i := range 5 {
		wantClasses(t, p.Send(context.Background(), msgsTo(fmt.Sprintf("p%d@example.org", i))), "delivered")
	}
	if srv.Connections() != 3 {
		t.Fatalf("connections %d, want 3", srv.Connections())
	}
}

func TestPoolCloseClosesEveryConnection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL(), func(o *bmail.PoolOptions) { o.Size = 3 })
	var wg sync.WaitGroup
	for i := range 3 {
		addr := fmt.Sprintf("p%d@example.org", i)
		srv.Stall(addr, 100*time.Millisecond, 1)
		wg.Go(func() { p.Send(context.Background(), msgsTo(addr)) })
	}
	wg.Wait()
	if srv.Open() != 3 {
		t.Fatalf("open %d, want 3", srv.Open())
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every connection is closed", func() bool { return srv.Open() == 0 })
	res := p.Send(context.Background(), msgsTo("late@example.org"))
	if res[0].Class != bmail.Temporary || !errors.Is(res[0].Err, bmail.ErrClosed) {
		t.Fatalf("send after close: %v %v", res[0].Class, res[0].Err)
	}
}

func TestPoolAuthFailureNeverShowsThePassword(t *testing.T) {
	serverTLS, clientTLS := mailtest.TLSPair(t)
	srv := mailtest.Start(t, mailtest.Options{TLS: serverTLS, User: "mailer", Password: "right"})
	p := newPool(t, "smtp://mailer:pw-Secret-9@"+srv.Addr, func(o *bmail.PoolOptions) { o.TLS = clientTLS })
	res := p.Send(context.Background(), msgsTo("a@example.org", "b@example.org"))
	wantClasses(t, res, "temporary temporary")
	for _, r := range res {
		if strings.Contains(r.Err.Error()+r.Reply, "pw-Secret-9") || r.Code != 535 {
			t.Fatalf("auth failure: %d %q %v", r.Code, r.Reply, r.Err)
		}
	}
	good := newPool(t, "smtp://mailer:right@"+srv.Addr, func(o *bmail.PoolOptions) { o.TLS = clientTLS })
	wantClasses(t, good.Send(context.Background(), msgsTo("a@example.org")), "delivered")
	if m := srv.To("a@example.org"); len(m) != 1 || !m[0].TLS || m[0].User != "mailer" {
		t.Fatalf("received %+v", m)
	}
}

func TestEnvelopeFromPerMessage(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p := newPool(t, srv.URL())
	msgs := msgsTo("a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org")
	msgs[0].EnvelopeFrom = "bounce+d41d8cd9=a@bounces.breachline.test"
	msgs[2].EnvelopeFrom = "Bounces <b@bounces.breachline.test>"
	msgs[3].EnvelopeFrom = "b@bounces.breachline.test>\r\nRCPT TO:<x@evil.test"
	msgs[4].EnvelopeFrom = "no-at-sign"
	res := p.Send(context.Background(), msgs)
	wantClasses(t, res, "delivered delivered permanent permanent permanent")
	for _, r := range res[2:] {
		if !errors.Is(r.Err, bmail.ErrInvalidMessage) {
			t.Fatalf("bad envelope: %v", r.Err)
		}
	}
	if m := srv.To("a@example.org"); len(m) != 1 || m[0].From != "bounce+d41d8cd9=a@bounces.breachline.test" {
		t.Fatalf("VERP sender: %+v", m)
	}
	if m := srv.To("b@example.org"); len(m) != 1 || m[0].From != "alerts@breachline.test" {
		t.Fatalf("default sender: %+v", m)
	}
	if srv.Attempts("x@evil.test") != 0 {
		t.Fatal("header injection reached the server")
	}
}
