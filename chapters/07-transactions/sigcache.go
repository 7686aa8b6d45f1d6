package transactions

import (
	"crypto/ed25519"
	"sync"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// DefaultSigCacheSize bounds a SigCache: signatures remembered.
const DefaultSigCacheSize = 100_000

// docs:begin sigcache

// SigCache remembers signatures found valid, as Bitcoin Core's
// signature cache does: a transaction is checked when it arrives and
// again when a block brings it, and the second check is then a map
// lookup. It is safe for concurrent use, and forgets the oldest past
// its size.
type SigCache struct {
	mu    sync.Mutex
	size  int
	valid map[broadcast.ID][ed25519.SignatureSize]byte
	order []broadcast.ID // oldest first, a ring
	next  int
}

// docs:end sigcache

// NewSigCache returns a cache of up to size signatures; size 0 is
// DefaultSigCacheSize.
func NewSigCache(size int) *SigCache {
	if size <= 0 {
		size = DefaultSigCacheSize
	}
	return &SigCache{size: size, valid: make(map[broadcast.ID][ed25519.SignatureSize]byte)}
}

// Check is tx.Check(chain), skipping the signature when the cache has
// seen it valid. A nil cache checks everything.
func (c *SigCache) Check(tx *Tx, chain wire.Magic) error {
	return c.check(tx, chain, tx.ID())
}

// check is Check of a transaction whose ID is known.
func (c *SigCache) check(tx *Tx, chain wire.Magic, id broadcast.ID) error {
	if c == nil {
		return tx.checkID(chain, id)
	}
	var sig [ed25519.SignatureSize]byte
	copy(sig[:], tx.Sig)
	c.mu.Lock()
	known, ok := c.valid[id]
	c.mu.Unlock()
	if ok && known == sig && len(tx.Sig) == len(sig) {
		return tx.checkFields(chain)
	}
	if err := tx.checkID(chain, id); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.valid[id]; !ok {
		if len(c.order) < c.size {
			c.order = append(c.order, id)
		} else {
			delete(c.valid, c.order[c.next])
			c.order[c.next] = id
			c.next = (c.next + 1) % c.size
		}
	}
	c.valid[id] = sig
	return nil
}

// Len is how many signatures the cache holds: none for a nil cache.
func (c *SigCache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.valid)
}
