package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bounds on the chain the store keeps.
const (
	// MaxBlockBytes bounds one block's encoding, as chapter 08's
	// MaxBlockSize does: a larger record is corrupt.
	MaxBlockBytes = 1_000_000
	// MaxChainBlocks bounds the main chain the store reads back: at a
	// devnet's block every 5 s, more than two years of blocks.
	MaxChainBlocks = 1 << 24
	// hashSize is a block hash's: chapter 08's double SHA-256.
	hashSize = 32
)

// ErrNotFound: the store has no such block.
var ErrNotFound = errors.New("no such block")

// heightKey is the chain index's key of a height: big-endian, so that
// bbolt's byte order is the heights' order.
func heightKey(h uint64) []byte { return binary.BigEndian.AppendUint64(nil, h) }

// docs:begin save-block

// BlockRecord is a block as the store keeps it: its hash and bytes.
type BlockRecord struct {
	Hash [32]byte
	Raw  []byte
}

// SaveBlock stores a block and makes it the main chain's at height:
// its bytes under its hash, its hash under its height, and any height
// above it forgotten (a chain that was longer ends here now; the
// bodies stay, under their hashes). One transaction: a crash keeps the
// chain as it was or as it is now, never a mix. Genesis is not stored:
// heights start at 1, and each must follow one the store has.
func (s *Store) SaveBlock(height uint64, hash [32]byte, raw []byte) error {
	return s.SaveBranch(height, []BlockRecord{{Hash: hash, Raw: raw}})
}

// SaveBranch is SaveBlock for the blocks of a branch, from height
// first up, in one transaction: a reorganisation is on disk whole, or
// not at all.
func (s *Store) SaveBranch(first uint64, branch []BlockRecord) error {
	for i, b := range branch {
		switch {
		case first == 0:
			return fmt.Errorf("save block %x: genesis is not stored", b.Hash)
		case len(b.Raw) == 0 || len(b.Raw) > MaxBlockBytes:
			return fmt.Errorf("save block %x at height %d: %d bytes, want 1 to %d",
				b.Hash, first+uint64(i), len(b.Raw), MaxBlockBytes)
		}
	}
	if len(branch) == 0 {
		return nil
	}
	return s.update(func(tx *bolt.Tx) error {
		index := tx.Bucket(bucketChain)
		if first > 1 && index.Get(heightKey(first-1)) == nil {
			return fmt.Errorf("save block %x at height %d: the store has no block at %d",
				branch[0].Hash, first, first-1)
		}
		if err := cutAbove(index, first); err != nil {
			return fmt.Errorf("%s: save blocks from height %d: %w", s.path, first, err)
		}
		for i, b := range branch {
			if err := tx.Bucket(bucketBlocks).Put(b.Hash[:], b.Raw); err != nil {
				return fmt.Errorf("%s: save block %x: %w", s.path, b.Hash, err)
			}
			if err := index.Put(heightKey(first+uint64(i)), b.Hash[:]); err != nil {
				return fmt.Errorf("%s: save block %x: %w", s.path, b.Hash, err)
			}
		}
		return nil
	})
}

// docs:end save-block

// cutAbove deletes the index's heights from h up.
func cutAbove(index *bolt.Bucket, h uint64) error {
	c := index.Cursor()
	for k, _ := c.Seek(heightKey(h)); k != nil; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// TruncateChain forgets the main chain above height (0: every block):
// what a node does when a block it stored no longer connects.
func (s *Store) TruncateChain(height uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := cutAbove(tx.Bucket(bucketChain), height+1); err != nil {
			return fmt.Errorf("%s: truncate chain at %d: %w", s.path, height, err)
		}
		return nil
	})
}

// ChainHeight is the stored main chain's height: 0 with only genesis.
func (s *Store) ChainHeight() (uint64, error) {
	var h uint64
	err := s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketChain).Cursor().Last()
		if k == nil {
			return nil
		}
		if len(k) != 8 {
			return s.corrupt(bucketChain, k, errors.New("not a height"))
		}
		h = binary.BigEndian.Uint64(k)
		return nil
	})
	return h, err
}

// Block is a stored block's bytes, by hash, on the main chain or not.
// A block the store lacks is ErrNotFound.
func (s *Store) Block(hash [32]byte) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketBlocks).Get(hash[:])
		if raw == nil {
			return fmt.Errorf("%w: %x", ErrNotFound, hash)
		}
		out = bytes.Clone(raw) // bbolt's bytes live as long as its transaction
		return nil
	})
	return out, err
}

// BlockAt is the main chain's block at height: its hash and bytes.
func (s *Store) BlockAt(height uint64) ([32]byte, []byte, error) {
	var hash [32]byte
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		hash, out, err = s.blockAt(tx, height)
		return err
	})
	return hash, out, err
}

func (s *Store) blockAt(tx *bolt.Tx, height uint64) ([32]byte, []byte, error) {
	var hash [32]byte
	key := heightKey(height)
	h := tx.Bucket(bucketChain).Get(key)
	if h == nil {
		return hash, nil, fmt.Errorf("%w at height %d", ErrNotFound, height)
	}
	if len(h) != hashSize {
		return hash, nil, s.corrupt(bucketChain, key, fmt.Errorf("a hash of %d bytes", len(h)))
	}
	copy(hash[:], h)
	raw := tx.Bucket(bucketBlocks).Get(h)
	if len(raw) == 0 || len(raw) > MaxBlockBytes {
		return hash, nil, s.corrupt(bucketChain, key,
			fmt.Errorf("block %x: %d bytes stored", h, len(raw)))
	}
	return hash, bytes.Clone(raw), nil
}

// docs:begin load-chain

// LoadChain calls f with each block of the stored main chain, from
// height 1 up, in one read transaction. A gap in the heights, a hash
// with no block, or more than MaxChainBlocks is ErrCorrupt; an error
// from f stops it, and is returned.
func (s *Store) LoadChain(f func(height uint64, hash [32]byte, raw []byte) error) error {
	return s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChain).Cursor()
		want := uint64(1)
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 8 || binary.BigEndian.Uint64(k) != want {
				return s.corrupt(bucketChain, k, fmt.Errorf("want height %d", want))
			}
			if want > MaxChainBlocks {
				return fmt.Errorf("%w: %s: more than %d blocks", ErrCorrupt, s.path, MaxChainBlocks)
			}
			hash, raw, err := s.blockAt(tx, want)
			if err != nil {
				return err
			}
			if err := f(want, hash, raw); err != nil {
				return err
			}
			want++
		}
		return nil
	})
}

// docs:end load-chain
