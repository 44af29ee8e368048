package mail_test

import (
	"context"
	"fmt"
	"testing"

	bmail "github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/mail/mailtest"
)

// BenchmarkSMTPBatch sends batches of 100 messages over one connection each
// to the in-process server; msgs/s is reported.
func BenchmarkSMTPBatch(b *testing.B) {
	srv := mailtest.Start(b, mailtest.Options{})
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
