//go:build !solution

package sockets

import "peerchain/tools/exercise"

// PeerSet is the node's table of connected peers, safe to use from many
// goroutines at once (every connection has its own), and bounded: it
// never holds more than the maximum it was made with.
//
// Add the fields it needs to this struct.
type PeerSet struct{}

// NewPeerSet returns an empty set that holds at most max peers.
func NewPeerSet(max int) *PeerSet {
	exercise.NotAttempted() // delete this line when you start
	return &PeerSet{}
}

// Add puts addr in the set. It fails with ErrDuplicate if addr is in the
// set already and with ErrFull if the set holds max peers.
func (s *PeerSet) Add(addr string) error {
	exercise.NotAttempted() // delete this line when you start
	return nil
}

// Remove takes addr out of the set and reports whether it was there.
func (s *PeerSet) Remove(addr string) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// List returns the addresses in the set, sorted.
func (s *PeerSet) List() []string {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
