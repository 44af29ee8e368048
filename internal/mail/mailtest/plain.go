package mailtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/breachline/breachline/internal/mail"
)

// SendPlain is the baseline that benchmarks measure Breachline's sending
// against: msgs sent with go-mail alone, as a program written around it
// would, from conns goroutines that each dial one go-mail Client and send
// one Msg per message, taking the messages batch at a time from a shared
// queue. It returns the time taken, dialling included.
func SendPlain(addr, from string, msgs []*mail.Message, conns, batch int) (time.Duration, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return 0, fmt.Errorf("address %q: %w", addr, err)
	}
	start := time.Now()
	work := Batches(msgs, batch)
	errc := make(chan error, conns)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() { errc <- sendPlainConn(host, port, from, work) })
	}
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return time.Since(start), errors.Join(errs...)
}

func sendPlainConn(host string, port int, from string, work <-chan []*mail.Message) error {
	c, err := gomail.NewClient(host, gomail.WithPort(port), gomail.WithTimeout(30*time.Second),
		gomail.WithTLSPolicy(gomail.TLSOpportunistic), gomail.WithoutNoop())
	if err == nil {
		err = c.DialWithContext(context.Background())
	}
	if err != nil {
		return fmt.Errorf("go-mail dial: %w", err)
	}
	defer c.Close()
	for batch := range work {
		for _, m := range batch {
			if err := c.Send(PlainMsg(from, m)); err != nil {
				return fmt.Errorf("go-mail: %w", err)
			}
		}
	}
	return nil
}

// Batches feeds msgs in slices of n to whoever reads the channel.
func Batches(msgs []*mail.Message, n int) <-chan []*mail.Message {
	ch := make(chan []*mail.Message, len(msgs)/n+1)
	for i := 0; i < len(msgs); i += n {
		ch <- msgs[i:min(i+n, len(msgs))]
	}
	close(ch)
	return ch
}

// PlainMsg builds the message as a go-mail user would, with the same
// headers and parts as Breachline's senders write.
func PlainMsg(from string, m *mail.Message) *gomail.Msg {
	g := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	_ = g.From(from)
	if m.EnvelopeFrom != "" {
		_ = g.EnvelopeFrom(m.EnvelopeFrom)
	}
	_ = g.AddToFormat(m.ToName, m.To)
	g.Subject(m.Subject)
	g.SetMessageIDWithValue(m.ID)
	if m.Date.IsZero() {
		g.SetDate()
	} else {
		g.SetDateWithValue(m.Date)
	}
	g.SetUserAgent("Breachline")
	g.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	for k, v := range m.Headers {
		g.SetGenHeader(gomail.Header(k), v)
	}
	g.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return g
}
