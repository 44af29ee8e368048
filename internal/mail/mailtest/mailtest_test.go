package mailtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

func send(t *testing.T, p *mail.Pool, to string) mail.Result {
	t.Helper()
	return p.Send(context.Background(), []*mail.Message{{To: to, Subject: "s", Text: "t"}})[0]
}

func TestScriptStepsRunInOrder(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	p, err := mail.NewPool(mail.PoolOptions{SMTPOptions: mail.SMTPOptions{URL: srv.URL(), From: "a@breachline.test", Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const addr = "Person@Example.org"
	srv.RefuseTimes(addr, 2, 451, smtp.EnhancedCode{4, 2, 1}, "slow down")
	srv.DropInData(addr, 1)
	srv.Stall(addr, 50*time.Millisecond, 1)
	want := []struct {
		class mail.Class
		code  int
	}{{mail.Temporary, 451}, {mail.Temporary, 451}, {mail.Temporary, 0}, {mail.Delivered, 0}, {mail.Delivered, 0}}
	var ids []string
	for i, w := range want {
		r := send(t, p, "person@example.org")
		if r.Class != w.class || r.Code != w.code {
			t.Fatalf("message %d: %v %d %v, want %v %d", i, r.Class, r.Code, r.Err, w.class, w.code)
		}
		ids = append(ids, r.MessageID)
	}
	if n := srv.Attempts("person@example.org"); n != 5 {
		t.Fatalf("attempts %d, want 5", n)
	}
	got := srv.To(addr)
	if len(got) != 2 || got[0].MessageID != ids[3] || len(srv.ByMessageID("<"+ids[4]+">")) != 1 || len(srv.ByMessageID(ids[2])) != 0 {
		t.Fatalf("received %+v", got)
	}
	srv.Refuse(addr, 550, smtp.EnhancedCode{5, 1, 1}, "gone")
	if r := send(t, p, addr); r.Class != mail.Permanent || r.Reply != "550 5.1.1 gone" {
		t.Fatalf("refused: %+v", r)
	}
	srv.Allow(addr)
	if r := send(t, p, addr); r.Class != mail.Delivered {
		t.Fatalf("allowed: %+v", r)
	}
}

func TestDiscardCountsOnly(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Discard: true})
	p, err := mail.NewPool(mail.PoolOptions{SMTPOptions: mail.SMTPOptions{URL: srv.URL(), From: "a@breachline.test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	send(t, p, "x@example.org")
	if srv.Count() != 1 || len(srv.Messages()) != 0 || srv.Connections() != 1 {
		t.Fatalf("count %d, kept %d, connections %d", srv.Count(), len(srv.Messages()), srv.Connections())
	}
}

// TestDelaySlowsEveryMessage: a slow relay answers each message after the
// delay, and keeps a message whose sender gave up waiting.
func TestDelaySlowsEveryMessage(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Delay: 150 * time.Millisecond})
	p, err := mail.NewPool(mail.PoolOptions{SMTPOptions: mail.SMTPOptions{URL: srv.URL(), From: "a@breachline.test", Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	msgs := []*mail.Message{{To: "a@example.org", Subject: "s", Text: "t"}, {To: "b@example.org", Subject: "s", Text: "t"}}
	for _, r := range p.Send(context.Background(), msgs) {
		if r.Class != mail.Delivered {
			t.Fatalf("%+v", r)
		}
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Fatalf("two messages took %v with a 150ms delay each", took)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 75*time.Millisecond)
	defer cancel()
	if r := p.Send(ctx, []*mail.Message{{To: "c@example.org", Subject: "s", Text: "t"}})[0]; r.Class == mail.Delivered {
		t.Fatalf("a message answered after the sender's deadline was reported delivered: %+v", r)
	}
	deadline := time.Now().Add(time.Second)
	for len(srv.To("c@example.org")) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(srv.To("c@example.org")) != 1 {
		t.Fatal("the server did not keep the message its sender gave up on")
	}
}
