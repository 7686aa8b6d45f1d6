//go:build solution

package sockets

import (
	"slices"
	"sync"
)

// PeerSet is the node's table of connected peers, safe to use from many
// goroutines at once, and bounded.
type PeerSet struct {
	mu    sync.Mutex
	max   int
	peers map[string]struct{}
}

// NewPeerSet returns an empty set that holds at most max peers.
func NewPeerSet(max int) *PeerSet {
	return &PeerSet{max: max, peers: make(map[string]struct{})}
}

// Add puts addr in the set. It fails with ErrDuplicate if addr is in the
// set already and with ErrFull if the set holds max peers.
func (s *PeerSet) Add(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.peers[addr]; ok {
		return ErrDuplicate
	}
	if len(s.peers) >= s.max {
		return ErrFull
	}
	s.peers[addr] = struct{}{}
	return nil
}

// Remove takes addr out of the set and reports whether it was there.
func (s *PeerSet) Remove(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.peers[addr]
	delete(s.peers, addr)
	return ok
}

// List returns the addresses in the set, sorted.
func (s *PeerSet) List() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]string, 0, len(s.peers))
	for addr := range s.peers {
		list = append(list, addr)
	}
	slices.Sort(list)
	return list
}
