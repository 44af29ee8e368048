package report

import (
	"context"
	"errors"
	"fmt"
)

// ErrTooLarge is returned when a document would need more pages than its
// Limits allow.
var ErrTooLarge = errors.New("document too large")

// DefaultMaxPages bounds a document when Limits leaves MaxPages at zero. The
// largest real document, a register of ten thousand breaches, is about 700
// pages.
const DefaultMaxPages = 3000

// Limits bounds one render. A render fails with ErrTooLarge when it would
// need more than MaxPages pages, and with the context's error when its
// context ends first, so that no single document can hold a server's memory
// or time.
type Limits struct {
	MaxPages int
}

// budget is a render's limits as the layout code checks them, page by page.
type budget struct {
	ctx      context.Context
	maxPages int
}

func newBudget(ctx context.Context, l Limits) budget {
	if ctx == nil {
		ctx = context.Background()
	}
	if l.MaxPages <= 0 {
		l.MaxPages = DefaultMaxPages
	}
	return budget{ctx: ctx, maxPages: l.MaxPages}
}

// check is called as page n starts.
func (b budget) check(n int) error {
	if b.maxPages > 0 && n > b.maxPages {
		return fmt.Errorf("%w: more than %d pages", ErrTooLarge, b.maxPages)
	}
	if b.ctx != nil {
		if err := b.ctx.Err(); err != nil {
			return fmt.Errorf("document not finished in the time allowed: %w", err)
		}
	}
	return nil
}
