package mail

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrClosed is the error of messages given to a Pool after Close.
var ErrClosed = errors.New("mail sender is closed")

// probeAfter is how long a connection may sit idle before it is checked
// with NOOP when taken from the pool (a quarter of IdleTimeout when that is
// shorter): relays drop idle sessions without telling, and a check is
// cheaper than a failed MAIL FROM.
const probeAfter = 2 * time.Second

// PoolOptions configures a Pool.
type PoolOptions struct {
	SMTPOptions
	// Size is the most connections open at once; 4 when zero.
	Size int
	// IdleTimeout closes a connection unused for this long; 30s when zero.
	IdleTimeout time.Duration
	// MaxPerConn, when positive, closes a connection after that many
	// messages (some relays limit a session) and opens a fresh one.
	MaxPerConn int
}

// Pool is an SMTP sender that keeps up to Size connections to the relay
// open and reuses them across Send calls. Each Send call takes one
// connection for its whole batch; concurrent calls use different
// connections up to Size and wait (until their context ends) beyond it.
//
// A connection that errors, times out or is dropped by the server is
// closed and never reused. When one breaks in the middle of a batch, the
// message in flight is Temporary (if the server had not yet been given any
// of it, and the break was not a timeout, it is sent once more on a fresh
// connection instead), and the rest of the batch goes over a fresh
// connection. A batch that loses three connections, or cannot open one,
// reports the rest of its messages Temporary without trying them.
//
// Idle connections are checked with NOOP before reuse when idle for more
// than a couple of seconds, and closed after IdleTimeout. A Send call
// checks its context between messages; the message in flight is bounded
// by the context's deadline and by Timeout. Close closes every
// connection. A Pool is safe for concurrent use.
type Pool struct {
	t          *transport
	idleAfter  time.Duration
	maxPerConn int
	slots      chan struct{} // one token per connection in use

	mu     sync.Mutex
	idle   []*conn // most recently used last
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// NewPool checks the options and returns a pool. No connection is opened
// until the first Send. Errors never contain the URL, which may hold a
// password.
func NewPool(o PoolOptions) (*Pool, error) {
	t, err := newTransport(o.SMTPOptions)
	if err != nil {
		return nil, err
	}
	if o.Size <= 0 {
		o.Size = 4
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Second
	}
	p := &Pool{
		t: t, idleAfter: o.IdleTimeout, maxPerConn: o.MaxPerConn,
		slots: make(chan struct{}, o.Size),
		stop:  make(chan struct{}), done: make(chan struct{}),
	}
	go p.reap()
	return p, nil
}

// Send sends the batch over one pooled connection (see Pool for what
// happens when it breaks) and returns one result per message, in order.
func (p *Pool) Send(ctx context.Context, msgs []*Message) []Result {
	results := make([]Result, len(msgs))
	batch := p.t.compose.prepare(msgs, results)
	if len(batch) > 0 {
		sendBatch(ctx, p, batch, results)
	}
	return results
}

// get takes a slot, then an idle connection that still answers, or dials.
func (p *Pool) get(ctx context.Context) (*conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-p.stop:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for {
		c, err := p.popIdle()
		if err != nil {
			<-p.slots
			return nil, err
		}
		if c == nil {
			break
		}
		if p.usable(c) {
			return c, nil
		}
	}
	c, err := p.t.dial(ctx)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return c, nil
}

func (p *Pool) popIdle() (*conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	n := len(p.idle)
	if n == 0 {
		return nil, nil
	}
	c := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return c, nil
}

// usable closes c and reports false when it idled too long or does not
// answer NOOP.
func (p *Pool) usable(c *conn) bool {
	idle := time.Since(c.lastUse)
	if idle >= p.idleAfter {
		c.quit()
		return false
	}
	if idle >= min(probeAfter, p.idleAfter/4) && c.noop() != nil {
		_ = c.c.Close()
		return false
	}
	return true
}

// put returns c to the idle list, or closes it when broken, worn out or
// the pool is closed, and frees its slot.
func (p *Pool) put(c *conn, broken bool) {
	defer func() { <-p.slots }()
	if broken {
		_ = c.c.Close()
		return
	}
	p.mu.Lock()
	keep := !p.closed && (p.maxPerConn <= 0 || c.sent < p.maxPerConn)
	if keep {
		c.lastUse = time.Now()
		p.idle = append(p.idle, c)
	}
	p.mu.Unlock()
	if !keep {
		c.quit()
	}
}

// reap closes connections idle for longer than IdleTimeout.
func (p *Pool) reap() {
	defer close(p.done)
	tick := time.NewTicker(max(p.idleAfter/2, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			for _, c := range p.expired() {
				c.quit()
			}
		}
	}
}

func (p *Pool) expired() []*conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	var old []*conn
	kept := p.idle[:0]
	for _, c := range p.idle {
		if time.Since(c.lastUse) >= p.idleAfter {
			old = append(old, c)
		} else {
			kept = append(kept, c)
		}
	}
	clear(p.idle[len(kept):])
	p.idle = kept
	return old
}

// Close closes the idle connections, waits for Send calls in progress to
// finish and closes theirs. Later Send calls report ErrClosed. It always
// returns nil; calling it again does nothing.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	close(p.stop)
	<-p.done
	for _, c := range idle {
		c.quit()
	}
	for range cap(p.slots) {
		p.slots <- struct{}{}
	}
	return nil
}
