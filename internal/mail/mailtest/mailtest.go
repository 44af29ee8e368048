// Package mailtest runs a real SMTP server in-process for tests: it records
// every accepted message byte for byte and can be scripted per recipient to
// refuse (for a while or for good), drop the connection during DATA, or
// stall before answering.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/mail"
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
	// MessageID is the message's Message-ID without angle brackets.
	MessageID string
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
	// Discard keeps no accepted message, only their number (Count): a
	// sink for benchmarks.
	Discard bool
	// Delay, when set, is how long the server waits after the end of every
	// message before accepting it (a slow relay). A client that goes away
	// meanwhile still has its message recorded, as a real server that had
	// the whole message would deliver it.
	Delay time.Duration
}

// Server is a running in-process SMTP server.
type Server struct {
	// Addr is host:port to connect to.
	Addr string
	opts Options
	srv  *smtp.Server
	done chan struct{}

	mu       sync.Mutex
	opened   int
	open     map[*countedConn]struct{}
	count    int
	received []Received
	byID     map[string][]int
	byRcpt   map[string][]int
	attempts map[string]int
	script   map[string][]*step
}

// Start runs a server on a free loopback port until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	s := &Server{
		Addr: ln.Addr().String(), opts: opts, done: make(chan struct{}),
		open: map[*countedConn]struct{}{}, byID: map[string][]int{}, byRcpt: map[string][]int{},
		attempts: map[string]int{}, script: map[string][]*step{},
	}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "mail.test"
	s.srv.AllowInsecureAuth = opts.TLS == nil
	s.srv.TLSConfig = opts.TLS
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	go s.srv.Serve(&countingListener{Listener: ln, s: s})
	t.Cleanup(func() {
		close(s.done)
		_ = s.srv.Close()
	})
	return s
}

// URL is the smtp:// URL of the server, with credentials when required.
func (s *Server) URL() string {
	if s.opts.User != "" {
		return "smtp://" + s.opts.User + ":" + s.opts.Password + "@" + s.Addr
	}
	return "smtp://" + s.Addr
}

// Messages returns a copy of what was accepted so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Count is the number of messages accepted so far (kept or discarded).
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// To returns the accepted messages addressed to addr (any case), in order.
func (s *Server) To(addr string) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pick(s.byRcpt[strings.ToLower(addr)])
}

// ByMessageID returns the accepted messages whose Message-ID is id (with
// or without angle brackets): more than one when a message was sent again.
func (s *Server) ByMessageID(id string) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pick(s.byID[strings.Trim(id, "<>")])
}

func (s *Server) pick(idx []int) []Received {
	out := make([]Received, 0, len(idx))
	for _, i := range idx {
		out = append(out, s.received[i])
	}
	return out
}

// Attempts counts the RCPT TO commands for addr, refused or not.
func (s *Server) Attempts(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[strings.ToLower(addr)]
}

// Connections counts the connections opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// Open counts the connections open now.
func (s *Server) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// DropConnections closes every open connection at once, as a relay that
// restarts or times out idle sessions would, without a word to the client.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := make([]*countedConn, 0, len(s.open))
	for c := range s.open {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// record stores an accepted message.
func (s *Server) record(m Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if s.opts.Discard {
		return
	}
	if h, err := mail.ReadMessage(bytes.NewReader(m.Data)); err == nil {
		m.MessageID = strings.Trim(strings.TrimSpace(h.Header.Get("Message-Id")), "<>")
	}
	i := len(s.received)
	s.received = append(s.received, m)
	if m.MessageID != "" {
		s.byID[m.MessageID] = append(s.byID[m.MessageID], i)
	}
	for _, to := range m.To {
		k := strings.ToLower(to)
		s.byRcpt[k] = append(s.byRcpt[k], i)
	}
}

// countingListener counts connections as they open and close.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &countedConn{Conn: c, s: l.s}
	l.s.mu.Lock()
	l.s.opened++
	l.s.open[cc] = struct{}{}
	l.s.mu.Unlock()
	return cc, nil
}

type countedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.open, c)
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

// NewSession starts a session for a connection.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
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
	if refusal := x.srv.atRcpt(to); refusal != nil {
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
	if st := x.srv.atData(x.cur.To); st != nil {
		if err := x.act(st); err != nil {
			return err
		}
	}
	if d := x.srv.opts.Delay; d > 0 {
		if err := x.act(&step{delay: d}); err != nil {
			return err
		}
	}
	_, x.cur.TLS = x.conn.TLSConnectionState()
	x.cur.Data = buf.Bytes()
	x.srv.record(x.cur)
	x.cur = Received{}
	return nil
}

func (x *session) Reset()        { x.cur = Received{} }
func (x *session) Logout() error { return nil }
