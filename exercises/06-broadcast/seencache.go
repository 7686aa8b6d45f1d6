//go:build !solution

package broadcast

import (
	bc "peerchain/chapters/06-broadcast"
	"peerchain/tools/exercise"
)

// SeenCache remembers the IDs of the last items a node has seen, so
// that flooding stops: an item seen already is not sent on again. It
// holds at most limit IDs, whatever comes in: when it is full, adding a
// new ID forgets the oldest one (first in, first out). Adding an ID it
// holds already changes nothing, not even its place in the order. A
// limit below 1 holds nothing.
//
// Each operation should take constant time: a map for lookups, and a
// ring of limit IDs for the order, is one way.
type SeenCache struct{}

// NewSeenCache returns an empty cache that holds at most limit IDs.
func NewSeenCache(limit int) *SeenCache {
	exercise.NotAttempted() // delete this line when you start
	return &SeenCache{}
}

// Add remembers id, and reports whether it was new: not held already.
func (c *SeenCache) Add(id bc.ID) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// Has reports whether id is held.
func (c *SeenCache) Has(id bc.ID) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// Len is how many IDs are held.
func (c *SeenCache) Len() int {
	exercise.NotAttempted() // delete this line when you start
	return 0
}
