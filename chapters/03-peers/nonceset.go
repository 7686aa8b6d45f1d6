package peers

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
)

// docs:begin nonce-set

// NonceSet is a node's set of connected peers, by the nonce each sent in
// its version. All the node's peers share it: a version whose nonce is in
// the set already comes from a node we are connected to. It is bounded
// and safe for concurrent use.
type NonceSet struct {
	mu     sync.Mutex
	max    int
	nonces map[uint64]struct{}
}

// NewNonceSet returns an empty set that holds at most max nonces, and at
// most MaxNonceSetSize.
func NewNonceSet(max int) *NonceSet {
	return &NonceSet{
		max:    min(max, MaxNonceSetSize),
		nonces: make(map[uint64]struct{}),
	}
}

// Add puts nonce in the set. It returns false, and changes nothing, when
// the nonce is there already (a duplicate connection) or the set is full.
func (s *NonceSet) Add(nonce uint64) bool {
	return s.add(nonce) == nil
}

// add is Add, saying why it refused: ErrDuplicateConnection or
// ErrTooManyPeers.
func (s *NonceSet) add(nonce uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.nonces[nonce]; ok {
		return ErrDuplicateConnection
	}
	if len(s.nonces) >= s.max {
		return fmt.Errorf("%w: %d connected", ErrTooManyPeers, s.max)
	}
	s.nonces[nonce] = struct{}{}
	return nil
}

// docs:end nonce-set

// Remove takes nonce out of the set, if it is there.
func (s *NonceSet) Remove(nonce uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.nonces, nonce)
}

// Len returns how many nonces the set holds.
func (s *NonceSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.nonces)
}

// docs:begin random-nonce

// RandomNonce returns a random nonce from the operating system's secure
// source, never zero: for a node's Config.Nonce, and for each ping.
func RandomNonce() uint64 {
	var b [8]byte
	for {
		rand.Read(b[:]) // never fails: Go crashes the program instead
		if n := binary.LittleEndian.Uint64(b[:]); n != 0 {
			return n
		}
	}
}

// docs:end random-nonce
