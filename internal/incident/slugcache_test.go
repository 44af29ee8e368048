package incident

import (
	"testing"
	"time"
)

// TestSlugCache: an answer is kept for slugTTL, dropped when the page is
// published or withdrawn here, and an answer read before such a change is
// not kept (it may predate it).
func TestSlugCache(t *testing.T) {
	c := newSlugCache()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	if _, ok, _ := c.get(1, now); ok {
		t.Fatal("an answer before any was read")
	}
	_, _, gen := c.get(1, now)
	c.put(1, "acme-list", gen, now)
	if slug, ok, _ := c.get(1, now.Add(slugTTL-time.Millisecond)); !ok || slug != "acme-list" {
		t.Fatalf("within the TTL: %q, %v", slug, ok)
	}
	if _, ok, _ := c.get(1, now.Add(slugTTL)); ok {
		t.Fatal("kept past the TTL")
	}
	c.forget(1)
	if _, ok, _ := c.get(1, now); ok {
		t.Fatal("kept after a withdrawal")
	}
	// Read, then the page is withdrawn, then the read's answer arrives.
	_, _, gen = c.get(2, now)
	c.forget(2)
	c.put(2, "old-page", gen, now)
	if _, ok, _ := c.get(2, now); ok {
		t.Fatal("an answer read before a withdrawal was kept")
	}
	// No page is an answer too.
	_, _, gen = c.get(3, now)
	c.put(3, "", gen, now)
	if slug, ok, _ := c.get(3, now); !ok || slug != "" {
		t.Fatalf("no page: %q, %v", slug, ok)
	}
}
