package pow

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// Bits the mining tests use: one hash in 2^12 meets easyBits; none
// meets neverBits (a target of 1).
const (
	easyBits  = 0x1f0fffff
	neverBits = 0x01010000
)

// fixedClock is a clock that says t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// clockAhead is a clock whose bound, MaxFutureBlockTime past it, is
// ahead seconds past h's time.
func clockAhead(h blocks.Header, ahead int64) func() time.Time {
	return fixedClock(time.Unix(int64(h.Time)+ahead, 0).Add(-blocks.MaxFutureBlockTime))
}

func miningHeader(seed uint64, bits uint32) blocks.Header {
	h := randomHeader(rand.New(rand.NewPCG(seed, 5)))
	h.Bits, h.Nonce, h.Time = bits, 0, 1_800_000_000
	return h
}

func TestMineHeader(t *testing.T) {
	tests := []struct {
		name    string
		threads int
	}{
		{"one thread", 1},
		{"two threads", 2},
		{"every core", 0},
		{"more threads than cores", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := miningHeader(1, easyBits)
			before := h
			var seen []uint64
			res, err := MineHeader(context.Background(), &h, Config{
				Threads: tt.threads, Now: clockAhead(h, 3600),
				Progress: func(n uint64) { seen = append(seen, n) },
			})
			require.NoError(t, err)
			assert.NoError(t, CheckProofOfWork(h.BlockHash(), h.Bits, limit(0x207fffff)))
			assert.Equal(t, before.Time, h.Time, "found without rolling the time")
			assert.Zero(t, res.TimeRolls)
			assert.GreaterOrEqual(t, res.Hashes, uint64(1))
			require.NotEmpty(t, seen, "progress reported")
			assert.IsNonDecreasing(t, seen)
			assert.LessOrEqual(t, seen[len(seen)-1], res.Hashes)
			if tt.threads == 1 {
				// One thread tries nonces in order: the first that
				// meets the target, after as many hashes.
				target, err := TargetFromBits(easyBits)
				require.NoError(t, err)
				want, ok := SearchPlain(before, &target, 0, 1<<20)
				require.True(t, ok)
				assert.Equal(t, want, h.Nonce)
				assert.Equal(t, uint64(want)+1, res.Hashes)
			}
		})
	}
}

func TestMineHeaderRollsTime(t *testing.T) {
	tests := []struct {
		name      string
		nonces    uint64
		ahead     int64 // the clock's bound, seconds past the header's time
		threads   int
		wantRolls int
	}{
		{"at the bound already", 8, 0, 1, 0},
		{"three seconds of room", 8, 3, 1, 3},
		{"bound in the past", 8, -10, 1, 0},
		{"two threads, batches shared", 3 * nonceBatch / 2, 2, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := miningHeader(2, neverBits)
			start := h.Time
			res, err := MineHeader(context.Background(), &h, Config{
				Threads: tt.threads, Now: clockAhead(h, tt.ahead), nonces: tt.nonces,
			})
			require.ErrorIs(t, err, ErrExhausted)
			assert.Equal(t, tt.wantRolls, res.TimeRolls)
			assert.Equal(t, start+uint32(tt.wantRolls), h.Time)
			assert.Equal(t, uint64(tt.wantRolls+1)*tt.nonces, res.Hashes, "every nonce of every time once")
		})
	}
}

func TestMineHeaderFindsAfterRolling(t *testing.T) {
	h := miningHeader(3, easyBits)
	target, err := TargetFromBits(easyBits)
	require.NoError(t, err)
	// With 16 nonces a time, the first times fail: find how many.
	const nonces = 16
	want := h
	for {
		if _, ok := SearchPlain(want, &target, 0, nonces); ok {
			break
		}
		want.Time++
	}
	require.Greater(t, want.Time, h.Time, "the seed gives a header that needs a roll")
	res, err := MineHeader(context.Background(), &h, Config{Threads: 1, Now: clockAhead(h, 1<<20), nonces: nonces})
	require.NoError(t, err)
	assert.Equal(t, want.Time, h.Time)
	assert.Equal(t, int(want.Time-miningHeader(3, easyBits).Time), res.TimeRolls)
	assert.NoError(t, CheckProofOfWork(h.BlockHash(), h.Bits, limit(0x207fffff)))
}

func TestMineErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		bits    uint32
		now     func() time.Time
		wantErr error
	}{
		{"canceled", canceled, easyBits, time.Now, context.Canceled},
		{"bad bits", context.Background(), 0, time.Now, ErrBadTarget},
		{"negative bits", context.Background(), 0x04923456, time.Now, ErrBadTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := miningHeader(4, tt.bits)
			before := h
			_, err := MineHeader(tt.ctx, &h, Config{Threads: 2, Now: tt.now})
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, before, h, "the header is left as it was")
		})
	}
	t.Run("no clock", func(t *testing.T) {
		h := miningHeader(4, easyBits)
		_, err := MineHeader(context.Background(), &h, Config{})
		assert.ErrorContains(t, err, "Now is nil")
	})
}

// miningBlock is a block with a coinbase and a merkle root that fits.
func miningBlock(bits uint32, extra []byte) *blocks.Block {
	b := &blocks.Block{
		Header:   miningHeader(5, bits),
		Coinbase: blocks.Coinbase{Height: 7, Amount: 50, Extra: extra},
	}
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b
}

func TestMineBlockExtraNonce(t *testing.T) {
	// At the clock's bound, with 8 nonces a header and no hash that
	// can win: each search is one batch, then an extra nonce. Progress
	// stops it during the third search.
	const nonces = 8
	b := miningBlock(neverBits, []byte("\x05\x00\x00\x00\x00\x00\x00\x00hello"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := MineBlock(ctx, b, Config{
		Threads: 1, Now: clockAhead(b.Header, 0), nonces: nonces,
		Progress: func(n uint64) {
			if n >= 3*nonces {
				cancel()
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, res.ExtraNonces)
	assert.Equal(t, uint64(3*nonces), res.Hashes)
	assert.Equal(t, []byte("\x07\x00\x00\x00\x00\x00\x00\x00hello"), b.Coinbase.Extra)
	root, _ := b.ComputeMerkleRoot()
	assert.Equal(t, root, b.Header.MerkleRoot, "the merkle root follows the coinbase")
}

func TestMineBlockFinds(t *testing.T) {
	b := miningBlock(easyBits, nil)
	res, err := MineBlock(context.Background(), b, Config{Threads: 1, Now: clockAhead(b.Header, 0), nonces: 64})
	require.NoError(t, err)
	assert.NoError(t, CheckProofOfWork(b.Hash(), b.Header.Bits, limit(0x207fffff)))
	root, _ := b.ComputeMerkleRoot()
	assert.Equal(t, root, b.Header.MerkleRoot)
	assert.Positive(t, res.ExtraNonces, "64 nonces a header: found after some extra nonces")
	assert.Len(t, b.Coinbase.Extra, ExtraNonceSize)
	assert.Equal(t, uint64(res.ExtraNonces), binary.LittleEndian.Uint64(b.Coinbase.Extra))
}

func TestNextExtraNonce(t *testing.T) {
	tests := []struct {
		name  string
		extra []byte
		want  []byte
	}{
		{"none", nil, []byte{1, 0, 0, 0, 0, 0, 0, 0}},
		{"shorter: extended", []byte("abc"), []byte("bbc\x00\x00\x00\x00\x00")},
		{"carry", []byte{0xff, 0xff, 0, 0, 0, 0, 0, 0, 'm'}, []byte{0, 0, 1, 0, 0, 0, 0, 0, 'm'}},
		{"wraps", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, make([]byte, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := miningBlock(easyBits, tt.extra)
			orig := append([]byte(nil), tt.extra...)
			require.NoError(t, nextExtraNonce(b))
			assert.Equal(t, tt.want, b.Coinbase.Extra)
			assert.Equal(t, orig, tt.extra, "the caller's slice is not written")
			root, _ := b.ComputeMerkleRoot()
			assert.Equal(t, root, b.Header.MerkleRoot)
		})
	}
}
