package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// fakeBlock is a stand-in block: the store never looks inside one.
func fakeBlock(i int) ([32]byte, []byte) {
	var h [32]byte
	h[0], h[31] = byte(i), 0xbb
	return h, fmt.Appendf(nil, "block %d", i)
}

type stored struct {
	height uint64
	hash   [32]byte
	raw    []byte
}

func loadAll(t *testing.T, s *Store) []stored {
	t.Helper()
	var out []stored
	require.NoError(t, s.LoadChain(func(h uint64, hash [32]byte, raw []byte) error {
		out = append(out, stored{h, hash, raw})
		return nil
	}))
	return out
}

func TestChainSaveAndLoad(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	for i := 1; i <= 3; i++ {
		h, raw := fakeBlock(i)
		require.NoError(t, s.SaveBlock(uint64(i), h, raw))
	}
	require.NoError(t, s.Close())

	s = openT(t, dir)
	defer s.Close()
	got := loadAll(t, s)
	require.Len(t, got, 3, "what was saved is read back after a reopen")
	for i, b := range got {
		h, raw := fakeBlock(i + 1)
		assert.Equal(t, stored{uint64(i + 1), h, raw}, b)
	}
	height, err := s.ChainHeight()
	require.NoError(t, err)
	assert.Equal(t, uint64(3), height)

	// A block saved at a height the chain has replaces it, and the
	// heights above are forgotten; the bodies stay.
	h9, raw9 := fakeBlock(9)
	require.NoError(t, s.SaveBlock(2, h9, raw9))
	got = loadAll(t, s)
	require.Len(t, got, 2)
	assert.Equal(t, h9, got[1].hash)
	h3, raw3 := fakeBlock(3)
	body, err := s.Block(h3)
	require.NoError(t, err)
	assert.Equal(t, raw3, body, "a block off the main chain is still held by hash")

	hash, raw, err := s.BlockAt(2)
	require.NoError(t, err)
	assert.Equal(t, h9, hash)
	assert.Equal(t, raw9, raw)

	require.NoError(t, s.TruncateChain(1))
	height, err = s.ChainHeight()
	require.NoError(t, err)
	assert.Equal(t, uint64(1), height)
	_, _, err = s.BlockAt(2)
	assert.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, s.TruncateChain(0))
	assert.Empty(t, loadAll(t, s), "truncated to genesis")
}

// TestSaveBranch: a reorganisation's blocks replace the chain above
// the fork in one transaction; one bad record stores none of them.
func TestSaveBranch(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	for i := 1; i <= 4; i++ {
		h, raw := fakeBlock(i)
		require.NoError(t, s.SaveBlock(uint64(i), h, raw))
	}
	record := func(i int) BlockRecord { h, raw := fakeBlock(i); return BlockRecord{h, raw} }

	bad := []BlockRecord{record(20), {Hash: [32]byte{21}}}
	assert.ErrorContains(t, s.SaveBranch(3, bad), "at height 4: 0 bytes, want 1 to")
	assert.Len(t, loadAll(t, s), 4, "nothing changed")

	require.NoError(t, s.SaveBranch(3, []BlockRecord{record(20), record(21), record(22)}))
	got := loadAll(t, s)
	require.Len(t, got, 5, "two of the old chain, three of the branch")
	for i, want := range []int{1, 2, 20, 21, 22} {
		h, _ := fakeBlock(want)
		assert.Equal(t, h, got[i].hash, "height %d", i+1)
	}
	assert.NoError(t, s.SaveBranch(9, nil), "nothing to save")
	assert.ErrorContains(t, s.SaveBranch(9, []BlockRecord{record(30)}), "the store has no block at 8")
}

func TestSaveBlockRefuses(t *testing.T) {
	h, raw := fakeBlock(1)
	tests := []struct {
		name    string
		height  uint64
		raw     []byte
		wantErr string
	}{
		{name: "genesis", height: 0, raw: raw, wantErr: "genesis is not stored"},
		{name: "a gap", height: 3, raw: raw, wantErr: "the store has no block at 2"},
		{name: "no bytes", height: 1, raw: nil, wantErr: "0 bytes, want 1 to 1000000"},
		{name: "too many bytes", height: 1, raw: make([]byte, MaxBlockBytes+1),
			wantErr: "1000001 bytes, want 1 to 1000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openT(t, t.TempDir())
			defer s.Close()
			err := s.SaveBlock(tt.height, h, tt.raw)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, loadAll(t, s), "nothing was stored")
		})
	}
}

func TestBlockNotFound(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	h, _ := fakeBlock(1)
	_, err := s.Block(h)
	assert.ErrorIs(t, err, ErrNotFound)
	_, _, err = s.BlockAt(1)
	assert.ErrorIs(t, err, ErrNotFound)
	height, err := s.ChainHeight()
	require.NoError(t, err)
	assert.Zero(t, height)
}

// TestLoadChainCorrupt: an index that does not hold together fails
// with ErrCorrupt rather than giving the node half a chain.
func TestLoadChainCorrupt(t *testing.T) {
	h1, raw1 := fakeBlock(1)
	tests := []struct {
		name    string
		damage  func(index, bodies *bolt.Bucket) error
		wantErr string
	}{
		{name: "a gap", damage: func(index, _ *bolt.Bucket) error {
			return index.Put(heightKey(3), h1[:])
		}, wantErr: "want height 2"},
		{name: "a hash with no block", damage: func(index, _ *bolt.Bucket) error {
			other, _ := fakeBlock(7)
			return index.Put(heightKey(2), other[:])
		}, wantErr: "0 bytes stored"},
		{name: "a short hash", damage: func(index, _ *bolt.Bucket) error {
			return index.Put(heightKey(2), []byte{1, 2})
		}, wantErr: "a hash of 2 bytes"},
		{name: "a key that is no height", damage: func(index, _ *bolt.Bucket) error {
			return index.Put([]byte{0xff}, h1[:])
		}, wantErr: "want height 2"},
		{name: "an oversized block", damage: func(_, bodies *bolt.Bucket) error {
			return bodies.Put(h1[:], make([]byte, MaxBlockBytes+1))
		}, wantErr: "1000001 bytes stored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openT(t, t.TempDir())
			defer s.Close()
			require.NoError(t, s.SaveBlock(1, h1, raw1))
			require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
				return tt.damage(tx.Bucket(bucketChain), tx.Bucket(bucketBlocks))
			}))
			err := s.LoadChain(func(uint64, [32]byte, []byte) error { return nil })
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestLoadChainStopsOnError(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	for i := 1; i <= 3; i++ {
		h, raw := fakeBlock(i)
		require.NoError(t, s.SaveBlock(uint64(i), h, raw))
	}
	stop := errors.New("block 2 does not connect")
	var seen []uint64
	err := s.LoadChain(func(h uint64, _ [32]byte, _ []byte) error {
		seen = append(seen, h)
		if h == 2 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, []uint64{1, 2}, seen)
	assert.Equal(t, uint64(7), binary.BigEndian.Uint64(heightKey(7)), "heights are big-endian")
}
