package mail

import (
	"context"
	"crypto/tls"
	"errors"
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
	// Timeout bounds the dial and each step of a message; 30s when zero.
	Timeout time.Duration
	// Now gives the Date of messages without one; time.Now when nil.
	Now func() time.Time
	// DKIM, when set, signs every message.
	DKIM *DKIM
}

// transport is what SMTP and Pool share: how to dial the relay and how to
// render messages.
type transport struct {
	client  *gomail.Client // dial settings only; its own connection is never used
	timeout time.Duration
	compose composer
}

// SMTP sends each batch over one new connection, closed at the end of the
// batch. Pool reuses connections across batches; prefer it for volume.
type SMTP struct {
	t *transport
}

// NewSMTP checks the options and returns a sender. Errors never contain the
// URL, which may hold a password.
func NewSMTP(o SMTPOptions) (*SMTP, error) {
	t, err := newTransport(o)
	if err != nil {
		return nil, err
	}
	return &SMTP{t: t}, nil
}

func newTransport(o SMTPOptions) (*transport, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("smtp url: want smtp://[user:pass@]host:port or smtps://…")
	}
	if err := checkFrom(o.From); err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts, err := dialOptions(u, o.TLS, timeout)
	if err != nil {
		return nil, err
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, errors.New("smtp url: the mail client does not accept these settings")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &transport{client: client, timeout: timeout, compose: composer{from: o.From, now: now, dkim: o.DKIM}}, nil
}

// dialOptions turns the URL into go-mail's settings: port, TLS, login.
func dialOptions(u *url.URL, tlsConf *tls.Config, timeout time.Duration) ([]gomail.Option, error) {
	port, err := smtpPort(u)
	if err != nil {
		return nil, err
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout), gomail.WithoutNoop()}
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
	return opts, nil
}

// dial opens, secures and authenticates a new connection.
func (t *transport) dial(ctx context.Context) (*conn, error) {
	c, err := t.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, timeout: t.timeout, lastUse: time.Now()}, nil
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

// Send dials once and sends every message on that connection (see
// sendBatch for what happens when it breaks). A message the server
// refuses is reported on its own; the rest still go.
func (s *SMTP) Send(ctx context.Context, msgs []*Message) []Result {
	results := make([]Result, len(msgs))
	batch := s.t.compose.prepare(msgs, results)
	if len(batch) > 0 {
		sendBatch(ctx, dialer{s.t}, batch, results)
	}
	return results
}

// dialer is the connSource of SMTP: a new connection each time, closed
// after use.
type dialer struct{ t *transport }

func (d dialer) get(ctx context.Context) (*conn, error) { return d.t.dial(ctx) }

func (d dialer) put(c *conn, broken bool) {
	if broken {
		_ = c.c.Close()
		return
	}
	c.quit()
}
