package store

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bounds on what one save may write: a bug that hands the store a
// runaway list fails here instead of filling the disk. They sit well
// above chapter 05's own bounds (its book holds tens of thousands of
// addresses, its ban list a few thousand).
const (
	MaxBookEntries = 1 << 17
	MaxBans        = 1 << 14
	MaxAnchors     = 64
	MaxMempool     = 1 << 17 // chapter 07's mempool holds 100,000
)

// KnownAddr is one address-book entry, as chapter 05's address book
// keeps it.
type KnownAddr struct {
	Addr        string    `json:"addr"`
	Services    uint64    `json:"services"`
	LastSeen    time.Time `json:"last_seen"`
	Source      string    `json:"source"`
	Attempts    int       `json:"attempts"`
	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success"`
	Tried       bool      `json:"tried"`
	RetryAt     time.Time `json:"retry_at"`
}

// Ban is one banned address: its ban key (chapter 05's BanKey), until
// when, and why.
type Ban struct {
	Key    string    `json:"key"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// SaveBook replaces the saved address book with addrs.
func (s *Store) SaveBook(addrs []KnownAddr) error {
	if len(addrs) > MaxBookEntries {
		return fmt.Errorf("save address book: %d entries, limit %d", len(addrs), MaxBookEntries)
	}
	return s.replace(bucketBook, len(addrs), func(i int) ([]byte, any) {
		return []byte(addrs[i].Addr), addrs[i]
	})
}

// LoadBook returns the saved address book, sorted by address.
func (s *Store) LoadBook() ([]KnownAddr, error) {
	var out []KnownAddr
	err := s.load(bucketBook, MaxBookEntries, func(k, v []byte) error {
		var ka KnownAddr
		if err := json.Unmarshal(v, &ka); err != nil {
			return err
		}
		if ka.Addr != string(k) {
			return fmt.Errorf("holds address %q", ka.Addr)
		}
		out = append(out, ka)
		return nil
	})
	return out, err
}

// SaveBans replaces the saved bans with bans.
func (s *Store) SaveBans(bans []Ban) error {
	if len(bans) > MaxBans {
		return fmt.Errorf("save bans: %d, limit %d", len(bans), MaxBans)
	}
	return s.replace(bucketBans, len(bans), func(i int) ([]byte, any) {
		return []byte(bans[i].Key), bans[i]
	})
}

// LoadBans returns the saved bans, sorted by key, expired ones included:
// the node drops those itself, against its own clock.
func (s *Store) LoadBans() ([]Ban, error) {
	var out []Ban
	err := s.load(bucketBans, MaxBans, func(k, v []byte) error {
		var b Ban
		if err := json.Unmarshal(v, &b); err != nil {
			return err
		}
		if b.Key != string(k) {
			return fmt.Errorf("holds key %q", b.Key)
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

// SaveAnchors replaces the saved anchor connections, in order.
func (s *Store) SaveAnchors(addrs []string) error {
	if len(addrs) > MaxAnchors {
		return fmt.Errorf("save anchors: %d, limit %d", len(addrs), MaxAnchors)
	}
	return s.replace(bucketAnchors, len(addrs), func(i int) ([]byte, any) {
		return binary.BigEndian.AppendUint32(nil, uint32(i)), addrs[i]
	})
}

// LoadAnchors returns the saved anchors, in the order they were saved.
func (s *Store) LoadAnchors() ([]string, error) {
	var out []string
	err := s.load(bucketAnchors, MaxAnchors, func(_, v []byte) error {
		var a string
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// SaveMempool replaces the saved pending transactions, in order: each
// sender's in nonce order, as the node must add them back.
func (s *Store) SaveMempool(txs [][]byte) error {
	if len(txs) > MaxMempool {
		return fmt.Errorf("save mempool: %d transactions, limit %d", len(txs), MaxMempool)
	}
	return s.replace(bucketMempool, len(txs), func(i int) ([]byte, any) {
		return binary.BigEndian.AppendUint32(nil, uint32(i)), hex.EncodeToString(txs[i])
	})
}

// LoadMempool returns the saved pending transactions' encodings, in the
// order they were saved. The node checks each again as it adds it.
func (s *Store) LoadMempool() ([][]byte, error) {
	var out [][]byte
	err := s.load(bucketMempool, MaxMempool, func(_, v []byte) error {
		var h string
		if err := json.Unmarshal(v, &h); err != nil {
			return err
		}
		raw, err := hex.DecodeString(h)
		if err != nil {
			return err
		}
		out = append(out, raw)
		return nil
	})
	return out, err
}

// replace empties a bucket and writes n records to it, in one
// transaction: a crash leaves the old contents or the new, never a mix.
func (s *Store) replace(name []byte, n int, record func(i int) ([]byte, any)) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("%s: %s: %w", s.path, name, err)
		}
		b, err := tx.CreateBucket(name)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", s.path, name, err)
		}
		for i := range n {
			k, v := record(i)
			raw, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("%s: %s record %q: %w", s.path, name, k, err)
			}
			if err := b.Put(k, raw); err != nil {
				return fmt.Errorf("%s: %s record %q: %w", s.path, name, k, err)
			}
		}
		return nil
	})
}

// load calls f for each record of a bucket, in key order; a record f
// cannot decode, or more than limit of them, is ErrCorrupt.
func (s *Store) load(name []byte, limit int, f func(k, v []byte) error) error {
	return s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return fmt.Errorf("%w: %s: bucket %s is missing", ErrCorrupt, s.path, name)
		}
		n := 0
		return b.ForEach(func(k, v []byte) error {
			if n++; n > limit {
				return fmt.Errorf("%w: %s: bucket %s holds more than %d records", ErrCorrupt, s.path, name, limit)
			}
			if err := f(k, v); err != nil {
				return s.corrupt(name, k, err)
			}
			return nil
		})
	})
}
