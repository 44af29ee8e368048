package mail_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

// BenchmarkSMTPBatch sends batches of 100 messages over one connection each
// to the in-process server; msgs/s is reported.
func BenchmarkSMTPBatch(b *testing.B) {
	srv := mailtest.Start(b, mailtest.Options{Discard: true})
	s, err := bmail.NewSMTP(bmail.SMTPOptions{URL: srv.URL(), From: from})
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]*bmail.Message, 100)
	for i := range batch {
		batch[i] = &bmail.Message{To: fmt.Sprintf("p%d@example.org", i), Subject: "Reminder", Text: "Due soon.\nSee the link."}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range s.Send(context.Background(), batch) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "msgs/s")
}

const (
	benchMessages = 10000
	benchConns    = 4
	benchBatch    = 100
)

// BenchmarkPoolVersusGoMail sends 10,000 notices of about 4 KB (text and
// HTML) to the in-process sink twice per iteration: through a Pool of 4
// connections, in batches of 100 from 4 goroutines, and through a plain
// go-mail loop (one dialled go-mail Client per goroutine, Send per message)
// over the same 4 connections with the same batches. The order alternates
// between iterations. It reports both rates and their ratio.
func BenchmarkPoolVersusGoMail(b *testing.B) {
	srv := mailtest.Start(b, mailtest.Options{Discard: true})
	msgs := notices(benchMessages)
	var pool, plain time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			pool += sendPooled(b, srv, msgs, nil)
			plain += sendPlain(b, srv, msgs)
		} else {
			plain += sendPlain(b, srv, msgs)
			pool += sendPooled(b, srv, msgs, nil)
		}
	}
	if got, want := srv.Count(), 2*b.N*benchMessages; got != want {
		b.Fatalf("the sink took %d messages, want %d", got, want)
	}
	n := float64(b.N * benchMessages)
	poolRate, plainRate := n/pool.Seconds(), n/plain.Seconds()
	b.ReportMetric(poolRate, "pool_msgs/s")
	b.ReportMetric(plainRate, "gomail_msgs/s")
	b.ReportMetric(poolRate/plainRate, "pool/gomail")
}

// BenchmarkPoolDKIM shows what signing costs: 2,000 notices through the
// pool, signed with RSA-2048 or Ed25519.
func BenchmarkPoolDKIM(b *testing.B) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	msgs := notices(2000)
	for _, k := range []struct {
		name string
		key  crypto.Signer
	}{{"rsa2048", rsaKey}, {"ed25519", edKey}} {
		b.Run(k.name, func(b *testing.B) {
			d, err := bmail.NewDKIM("breachline.test", "bench", k.key)
			if err != nil {
				b.Fatal(err)
			}
			srv := mailtest.Start(b, mailtest.Options{Discard: true})
			var took time.Duration
			for i := 0; i < b.N; i++ {
				took += sendPooled(b, srv, msgs, d)
			}
			b.ReportMetric(float64(b.N*len(msgs))/took.Seconds(), "msgs/s")
		})
	}
}

// notices makes n personalised messages of about 4 KB.
func notices(n int) []*bmail.Message {
	para := "We are writing to tell you about a privacy breach that involved some of your personal information. " +
		"On 12 March 2025 we learned that an unauthorised person had accessed a file server used by our records office. "
	text := strings.Repeat(para, 8)
	html := "<!doctype html><html lang=\"en\"><body><h1>Notice of a privacy breach</h1>" +
		strings.Repeat("<p>"+para+"</p>", 8) + "</body></html>"
	msgs := make([]*bmail.Message, n)
	for i := range msgs {
		name := fmt.Sprintf("Person %06d", i)
		msgs[i] = &bmail.Message{
			ID: fmt.Sprintf("notice.%06d@breachline.test", i), To: fmt.Sprintf("person%06d@example.org", i), ToName: name,
			Subject: "Notice of a privacy breach", Text: "Dear " + name + ",\n\n" + text, HTML: html,
			EnvelopeFrom: fmt.Sprintf("bounce+%06d@bounces.breachline.test", i), Date: fixed,
		}
	}
	return msgs
}

// sendPooled sends msgs through a new Pool from benchConns goroutines and
// returns the time taken, dialling included.
func sendPooled(b *testing.B, srv *mailtest.Server, msgs []*bmail.Message, d *bmail.DKIM) time.Duration {
	p, err := bmail.NewPool(bmail.PoolOptions{Size: benchConns, SMTPOptions: bmail.SMTPOptions{URL: srv.URL(), From: from, DKIM: d}})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	work := mailtest.Batches(msgs, benchBatch)
	var wg sync.WaitGroup
	for range benchConns {
		wg.Go(func() {
			for batch := range work {
				for _, r := range p.Send(context.Background(), batch) {
					if r.Class != bmail.Delivered {
						b.Errorf("pool: %v", r.Err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// sendPlain sends the same messages with go-mail alone over the same
// number of connections (mailtest.SendPlain).
func sendPlain(b *testing.B, srv *mailtest.Server, msgs []*bmail.Message) time.Duration {
	took, err := mailtest.SendPlain(srv.Addr, from, msgs, benchConns, benchBatch)
	if err != nil {
		b.Error(err)
	}
	return took
}
