package ratelimit

import (
	"context"
	"time"
)

// flushTimeout bounds one background flush, so that a database that does
// not answer delays the next flush rather than stopping them.
const flushTimeout = 5 * time.Second

// ticker runs a function every interval in a goroutine of its own until
// stopped.
type ticker struct {
	quit chan struct{}
	done chan struct{}
}

func startTicker(every time.Duration, fn func(ctx context.Context)) *ticker {
	t := &ticker{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(t.done)
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-t.quit:
				return
			case <-tk.C:
				ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
				fn(ctx)
				cancel()
			}
		}
	}()
	return t
}

// stop ends the goroutine and waits for a run in progress; a nil ticker
// (never started) stops at once.
func (t *ticker) stop() {
	if t == nil {
		return
	}
	close(t.quit)
	<-t.done
}
