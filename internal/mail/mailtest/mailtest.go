// Package mailtest runs a real SMTP server in-process for tests: it records
// every accepted message byte for byte and can refuse chosen recipients with
// a given reply.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
	// TLS reports whether the session was encrypted.
	TLS bool
	// User is the authenticated user name, if any.
	User string
}

// Options configures a server.
type Options struct {
	// TLS, when set, offers STARTTLS with this configuration.
	TLS *tls.Config
	// User and Password, when set, are required by AUTH PLAIN.
	User, Password string
}

// Server is a running in-process SMTP server.
type Server struct {
	// Addr is host:port to connect to.
	Addr     string
	mu       sync.Mutex
	conns    int
	opts     Options
	received []Received
	refuse   map[string]*smtp.SMTPError
	srv      *smtp.Server
}

// Start runs a server on a free loopback port until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, refuse: map[string]*smtp.SMTPError{}}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "mail.test"
	s.srv.AllowInsecureAuth = opts.TLS == nil
	s.srv.TLSConfig = opts.TLS
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the smtp:// URL of the server, with credentials when required.
func (s *Server) URL() string {
	if s.opts.User != "" {
		return "smtp://" + s.opts.User + ":" + s.opts.Password + "@" + s.Addr
	}
	return "smtp://" + s.Addr
}

// Refuse makes the server answer RCPT TO addr with code and text.
func (s *Server) Refuse(addr string, code int, enhanced smtp.EnhancedCode, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[strings.ToLower(addr)] = &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: text}
}

// Allow stops refusing addr.
func (s *Server) Allow(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refuse, strings.ToLower(addr))
}

// Messages returns a copy of what was accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// To returns the accepted messages addressed to addr.
func (s *Server) To(addr string) []Received {
	var out []Received
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// Connections counts the sessions opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// NewSession starts a session for a connection.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	return &session{srv: s, conn: c}, nil
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	cur  Received
}

func (x *session) AuthMechanisms() []string {
	if x.srv.opts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.srv.opts.User || pass != x.srv.opts.Password {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.srv.opts.User != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.cur = Received{From: from, User: x.user}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.srv.mu.Lock()
	refusal := x.srv.refuse[strings.ToLower(to)]
	x.srv.mu.Unlock()
	if refusal != nil {
		return refusal
	}
	x.cur.To = append(x.cur.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	if len(x.cur.To) == 0 {
		return errors.New("no recipients")
	}
	_, x.cur.TLS = x.conn.TLSConnectionState()
	x.cur.Data = buf.Bytes()
	x.srv.mu.Lock()
	x.srv.received = append(x.srv.received, x.cur)
	x.srv.mu.Unlock()
	x.cur = Received{}
	return nil
}

func (x *session) Reset()        { x.cur = Received{} }
func (x *session) Logout() error { return nil }
