package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPOptions configures an SMTP sender.
type SMTPOptions struct {
	// URL is smtp://[user:pass@]host[:port] (STARTTLS when the server offers
	// it; port 25 by default) or smtps://… (implicit TLS; port 465).
	URL string
	// From is the sender address of every message.
	From string
	// TLS overrides the TLS settings (tests trust their own certificate).
	TLS *tls.Config
	// Timeout bounds the dial and each command; 30s when zero.
	Timeout time.Duration
	// Now gives the Date of messages without one; time.Now when nil.
	Now func() time.Time
}

// SMTP sends through one SMTP connection per batch.
type SMTP struct {
	host string
	opts []gomail.Option
	from string
	now  func() time.Time
}

// NewSMTP checks the options and returns a sender. Errors never contain the
// URL, which may hold a password.
func NewSMTP(o SMTPOptions) (*SMTP, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("smtp url: want smtp://[user:pass@]host:port or smtps://…")
	}
	if _, _, err := build(o.From, &Message{To: "check@example.org", Subject: "x", Text: "x"}, time.Now()); err != nil {
		return nil, fmt.Errorf("mail from: %w", err)
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	port, err := smtpPort(u)
	if err != nil {
		return nil, err
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout), gomail.WithoutNoop()}
	tlsConf := o.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsConf))
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &SMTP{host: u.Hostname(), opts: opts, from: o.From, now: now}, nil
}

func smtpPort(u *url.URL) (int, error) {
	if u.Port() == "" {
		if u.Scheme == "smtps" {
			return 465, nil
		}
		return 25, nil
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil || p <= 0 || p > 65535 {
		return 0, errors.New("smtp url: bad port")
	}
	return p, nil
}

// Send dials once and sends every message on that connection. A message
// the server refuses is reported on its own; the rest still go.
func (s *SMTP) Send(ctx context.Context, msgs []*Message) []Result {
	results := make([]Result, len(msgs))
	built := make([]*gomail.Msg, len(msgs))
	pending := 0
	for i, m := range msgs {
		msg, id, err := build(s.from, m, s.now())
		results[i].MessageID = id
		if err != nil {
			results[i].Class, results[i].Err = Permanent, err
			continue
		}
		built[i] = msg
		pending++
	}
	if pending == 0 {
		return results
	}
	client, err := gomail.NewClient(s.host, s.opts...)
	if err == nil {
		err = client.DialWithContext(ctx)
	}
	if err != nil {
		class, code := classify(err)
		failBuilt(results, built, 0, class, code, fmt.Errorf("connect to mail server: %w", err))
		return results
	}
	defer client.Close()
	for i, msg := range built {
		if msg == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			failBuilt(results, built, i, Temporary, 0, err)
			return results
		}
		if err := client.Send(msg); err != nil {
			class, code := classify(err)
			results[i].Class, results[i].Code, results[i].Err = class, code, err
		}
	}
	return results
}

// failBuilt marks every built message from index start on as failed.
func failBuilt(results []Result, built []*gomail.Msg, start int, class Class, code int, err error) {
	for i := start; i < len(built); i++ {
		if built[i] != nil {
			results[i].Class, results[i].Code, results[i].Err = class, code, err
		}
	}
}

// classify sorts an error by its SMTP reply code: 5xx is permanent, 4xx and
// anything without a code (a dropped connection, a timeout) is temporary.
func classify(err error) (Class, int) {
	var se *gomail.SendError
	code := 0
	if errors.As(err, &se) {
		code = se.ErrorCode()
		if code == 0 && (se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts) {
			return Permanent, 0
		}
	} else {
		code = leadingCode(err.Error())
	}
	if code >= 500 && code < 600 {
		return Permanent, code
	}
	return Temporary, code
}

func leadingCode(s string) int {
	if len(s) < 3 {
		return 0
	}
	n, err := strconv.Atoi(s[:3])
	if err != nil || n < 400 || n > 599 {
		return 0
	}
	return n
}
