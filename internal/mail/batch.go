package mail

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"time"
)

// maxBreaks bounds the connections one Send call may lose (or fail to
// open) before it gives up on the rest of its batch: a relay that drops
// everything costs a few connections, not one per message.
const maxBreaks = 3

// ErrGaveUp is the error of messages left unsent in a batch after its
// connections broke maxBreaks times.
var ErrGaveUp = errors.New("mail server connection broke repeatedly; the rest of the batch was not sent")

// connSource lends a Send call its connections: the Pool's, or a fresh
// dial for each batch.
type connSource interface {
	// get returns an open connection, waiting while all are in use.
	get(ctx context.Context) (*conn, error)
	// put gives a connection back; broken ones are closed, not reused.
	put(c *conn, broken bool)
}

// sendBatch sends prepared messages over connections from src, one at a
// time, and writes each outcome into results. A message whose connection
// breaks is Temporary (or, when the break came before the server took any
// of it and was not a timeout, is sent once more on a fresh connection);
// the messages after it go over a fresh connection. After maxBreaks broken
// or failed connections, and when ctx ends, the rest are Temporary.
func sendBatch(ctx context.Context, src connSource, batch []prepared, results []Result) {
	b := &batchRun{ctx: ctx, src: src, results: results}
	defer b.release()
	for i := range batch {
		if !b.send(&batch[i]) {
			b.failRest(batch[i:])
			return
		}
	}
}

type batchRun struct {
	ctx     context.Context
	src     connSource
	results []Result
	c       *conn
	breaks  int
	stop    Result // why the rest of the batch was given up
}

// send delivers one message; false means the batch must stop.
func (b *batchRun) send(p *prepared) bool {
	for try := 0; ; try++ {
		if err := b.ctx.Err(); err != nil {
			b.stop = Result{Class: Temporary, Err: fmt.Errorf("not sent: %w", err)}
			return false
		}
		if b.c == nil && !b.connect() {
			return false
		}
		deadline, _ := b.ctx.Deadline()
		a := b.c.deliver(p, deadline)
		if a.broken {
			b.src.put(b.c, true)
			b.c = nil
			b.breaks++
		}
		if a.broken && a.unsent && !a.timeout && try == 0 && b.breaks < maxBreaks {
			continue
		}
		a.res.MessageID = p.env.id
		b.results[p.index] = a.res
		return true
	}
}

// connect gets a connection, or records why the batch cannot go on.
func (b *batchRun) connect() bool {
	if b.breaks >= maxBreaks {
		b.stop = Result{Class: Temporary, Err: ErrGaveUp}
		return false
	}
	c, err := b.src.get(b.ctx)
	if err != nil {
		b.stop = connectFailure(err)
		return false
	}
	b.c = c
	return true
}

// connectFailure describes a failed dial: always Temporary, because the
// message is not at fault (a 535 means the relay's settings are wrong),
// with the server's reply when it gave one.
func connectFailure(err error) Result {
	r := Result{Class: Temporary, Err: fmt.Errorf("connect to mail server: %w", err)}
	var te *textproto.Error
	if errors.As(err, &te) {
		r.Code = te.Code
		r.Reply = cleanReply(fmt.Sprintf("%d %s", te.Code, te.Msg))
	}
	return r
}

// failRest gives every message from the first of rest on the stop result.
func (b *batchRun) failRest(rest []prepared) {
	for _, p := range rest {
		r := b.stop
		r.MessageID = p.env.id
		b.results[p.index] = r
	}
}

func (b *batchRun) release() {
	if b.c != nil {
		b.c.lastUse = time.Now()
		b.src.put(b.c, false)
		b.c = nil
	}
}
