package forkchoice

import (
	"slices"

	blocks "peerchain/chapters/08-blocks"
)

// HashSet is a set of block hashes that holds at most a bound, and
// forgets the oldest past it: how a tree remembers invalid blocks
// without letting a peer that sends them grow its memory. Chapter
// 11's header tree uses it too.
type HashSet struct {
	max   int
	has   map[blocks.Hash]bool
	order []blocks.Hash // oldest first
}

// NewHashSet is an empty set of at most bound hashes (at least one).
func NewHashSet(bound int) *HashSet {
	return &HashSet{max: max(bound, 1), has: make(map[blocks.Hash]bool)}
}

// Add puts h in the set, forgetting the oldest if it is full.
func (s *HashSet) Add(h blocks.Hash) {
	if s.has[h] {
		return
	}
	if len(s.order) == s.max {
		delete(s.has, s.order[0])
		s.order = slices.Delete(s.order, 0, 1)
	}
	s.has[h] = true
	s.order = append(s.order, h)
}

// Has says whether h is in the set.
func (s *HashSet) Has(h blocks.Hash) bool { return s.has[h] }

// Len is how many hashes the set holds.
func (s *HashSet) Len() int { return len(s.order) }
