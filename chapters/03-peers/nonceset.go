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
// the set already comes from a node we are connected to. It holds at most
// one connection each way per node, bounds the nodes, and is safe for
// concurrent use.
type NonceSet struct {
	mu    sync.Mutex
	max   int
	nodes map[uint64]*conns
}

// conns is what the set holds of one node: the connection it dialed to
// us, and the one we dialed to it; nil for none. With both nil, Add put
// the node there, for a connection that the set does not manage.
type conns struct {
	in, out *Peer
}

// NewNonceSet returns an empty set that holds at most max nonces, and at
// most MaxNonceSetSize.
func NewNonceSet(max int) *NonceSet {
	return &NonceSet{
		max:   min(max, MaxNonceSetSize),
		nodes: make(map[uint64]*conns),
	}
}

// Add puts nonce in the set, as a node connected to by means the set does
// not manage: any connection to it is then a duplicate. Add returns false,
// and changes nothing, when the nonce is there already or the set is full.
func (s *NonceSet) Add(nonce uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nodes[nonce] != nil || len(s.nodes) >= s.max {
		return false
	}
	s.nodes[nonce] = &conns{}
	return true
}

// add puts p, whose version carried nonce, in the set: self is our own
// nonce. A second connection the same way is refused. Two connections
// between the same two nodes, one each way, are settled by one rule
// that both nodes apply: the one that the node with the lower nonce
// dialed is kept. Each node only ever closes its own outbound: if our
// nonce is the higher, our outbound loses, and add refuses it or closes
// it; if ours is the lower, add keeps both, and the other node closes
// its outbound, which is our inbound. add fails with
// ErrDuplicateConnection or ErrTooManyPeers.
func (s *NonceSet) add(self, nonce uint64, p *Peer) error {
	loser, err := s.settle(self, nonce, p)
	if loser != nil { // closed outside the lock: it will call remove
		loser.Disconnect(fmt.Errorf("%w: nonce 0x%016x dialed us "+
			"too, and ours is higher", ErrDuplicateConnection, nonce))
	}
	return err
}

// settle is add's decision, under the lock. It returns the peer to close,
// if p wins over our outbound.
func (s *NonceSet) settle(self, nonce uint64, p *Peer) (*Peer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inbound := p.info.Inbound
	c := s.nodes[nonce]
	switch {
	case c == nil && len(s.nodes) >= s.max:
		return nil, fmt.Errorf("%w: %d connected", ErrTooManyPeers, s.max)
	case c == nil:
		c = &conns{}
		s.nodes[nonce] = c
	case c.in == nil && c.out == nil: // Add's
		return nil, ErrDuplicateConnection
	case inbound && c.in != nil || !inbound && c.out != nil:
		return nil, ErrDuplicateConnection // the same way twice
	case self < nonce:
		// Both kept: the other node closes its outbound.
	case !inbound: // ours is higher, and this is our outbound
		return nil, fmt.Errorf("%w: it dialed us too, and our nonce "+
			"is higher", ErrDuplicateConnection)
	default: // ours is higher: our outbound gives way to this inbound
		loser := c.out
		c.in, c.out = p, nil
		return loser, nil
	}
	if inbound {
		c.in = p
	} else {
		c.out = p
	}
	return nil, nil
}

// docs:end nonce-set

// remove takes p out of the set, and its nonce once no connection to
// that node is left. It leaves whatever else is there: a peer that lost
// to another connection must not remove the winner.
func (s *NonceSet) remove(nonce uint64, p *Peer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.nodes[nonce]
	switch {
	case c == nil:
		return
	case c.in == p:
		c.in = nil
	case c.out == p:
		c.out = nil
	default:
		return
	}
	if c.in == nil && c.out == nil {
		delete(s.nodes, nonce)
	}
}

// Remove takes nonce out of the set, if it is there, with whatever
// connections it holds to that node.
func (s *NonceSet) Remove(nonce uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.nodes, nonce)
}

// Len returns how many nonces the set holds.
func (s *NonceSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.nodes)
}

// lookup returns the connections the set holds to the node of nonce.
func (s *NonceSet) lookup(nonce uint64) (in, out *Peer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.nodes[nonce]; c != nil {
		return c.in, c.out
	}
	return nil, nil
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
