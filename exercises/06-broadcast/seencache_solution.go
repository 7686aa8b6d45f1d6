//go:build solution

package broadcast

import bc "peerchain/chapters/06-broadcast"

// SeenCache is a map for lookups and a ring for the order: once the
// ring is full, next is the oldest ID, overwritten by the newest.
type SeenCache struct {
	limit int
	held  map[bc.ID]struct{}
	ring  []bc.ID
	next  int
}

// NewSeenCache returns an empty cache that holds at most limit IDs.
func NewSeenCache(limit int) *SeenCache {
	return &SeenCache{limit: max(limit, 0), held: make(map[bc.ID]struct{})}
}

// Add remembers id, and reports whether it was new.
func (c *SeenCache) Add(id bc.ID) bool {
	if c.Has(id) {
		return false
	}
	if c.limit == 0 {
		return true
	}
	if len(c.ring) < c.limit {
		c.ring = append(c.ring, id)
	} else {
		delete(c.held, c.ring[c.next])
		c.ring[c.next] = id
		c.next = (c.next + 1) % c.limit
	}
	c.held[id] = struct{}{}
	return true
}

// Has reports whether id is held.
func (c *SeenCache) Has(id bc.ID) bool {
	_, ok := c.held[id]
	return ok
}

// Len is how many IDs are held.
func (c *SeenCache) Len() int { return len(c.held) }
