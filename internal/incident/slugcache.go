package incident

import (
	"sync"
	"time"
)

// slugTTL is how long a breach's published address is remembered. A
// publication or withdrawal in this process is seen at once; one made by
// another process, within slugTTL (a withdrawn page linked meanwhile
// answers that it was withdrawn).
const slugTTL = 10 * time.Second

// slugCache remembers which breaches have a published page, and its
// address: every genuine code check asks, and the answer changes only when
// a privacy officer publishes or withdraws.
type slugCache struct {
	mu sync.Mutex
	// gen counts invalidations: an answer read before one is not kept.
	gen     uint64
	entries map[int64]slugEntry
}

type slugEntry struct {
	slug  string
	until time.Time
}

func newSlugCache() *slugCache { return &slugCache{entries: map[int64]slugEntry{}} }

// get returns the remembered address of the breach's page, and the
// generation to store a fresh answer under.
func (c *slugCache) get(breachID int64, now time.Time) (slug string, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.entries[breachID]
	return e.slug, found && now.Before(e.until), c.gen
}

// put remembers an answer read in generation gen, unless a page changed
// since.
func (c *slugCache) put(breachID int64, slug string, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) > 10000 {
		c.entries = map[int64]slugEntry{}
	}
	c.entries[breachID] = slugEntry{slug: slug, until: now.Add(slugTTL)}
}

// forget drops the breach's answer: its page was published or withdrawn.
func (c *slugCache) forget(breachID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, breachID)
}
