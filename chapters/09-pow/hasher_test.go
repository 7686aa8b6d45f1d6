package pow

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// btcGenesisHeader is Bitcoin's block 0, whose hash everyone knows.
func btcGenesisHeader(t *testing.T) blocks.Header {
	t.Helper()
	root, err := blocks.ParseHash("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
	require.NoError(t, err)
	return blocks.Header{Version: 1, MerkleRoot: root, Time: 1231006505, Bits: 0x1d00ffff, Nonce: 2083236893}
}

const btcGenesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"

// randomHeader is a header with every field drawn from r.
func randomHeader(r *rand.Rand) blocks.Header {
	h := blocks.Header{Version: int32(r.Uint32()), Time: r.Uint32(), Bits: r.Uint32(), Nonce: r.Uint32()}
	for i := range h.PrevBlock {
		h.PrevBlock[i] = byte(r.Uint32())
		h.MerkleRoot[i] = byte(r.Uint32())
	}
	return h
}

func TestHasherMatchesBlockHash(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	ones := blocks.Header{Version: -1, Time: ^uint32(0), Bits: ^uint32(0), Nonce: ^uint32(0)}
	for i := range ones.PrevBlock {
		ones.PrevBlock[i], ones.MerkleRoot[i] = 0xff, 0xff
	}
	tests := []struct {
		name   string
		header blocks.Header
		nonces []uint32
	}{
		{"bitcoin genesis", btcGenesisHeader(t), []uint32{2083236893, 0, 1}},
		{"zero header", blocks.Header{}, []uint32{0, 1, 1 << 31, ^uint32(0)}},
		{"every bit set", ones, []uint32{0, ^uint32(0)}},
		{"random 1", randomHeader(r), []uint32{r.Uint32(), r.Uint32()}},
		{"random 2", randomHeader(r), []uint32{r.Uint32(), r.Uint32()}},
		{"random 3", randomHeader(r), []uint32{r.Uint32(), r.Uint32()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewHasher(&tt.header)
			require.NoError(t, err)
			for _, nonce := range tt.nonces {
				h := tt.header
				h.Nonce = nonce
				assert.Equal(t, h.BlockHash(), m.Hash(nonce), "nonce %d", nonce)
			}
			// A new time keeps the midstate: only the tail changes.
			h := tt.header
			h.Time++
			m.SetTime(h.Time)
			assert.Equal(t, h.BlockHash(), m.Hash(h.Nonce), "time rolled")
			// A new merkle root changes the midstate.
			h.MerkleRoot[0] ^= 1
			require.NoError(t, m.SetHeader(&h))
			assert.Equal(t, h.BlockHash(), m.Hash(h.Nonce), "new merkle root")
		})
	}
}

func TestHasherBitcoinGenesis(t *testing.T) {
	h := btcGenesisHeader(t)
	m, err := NewHasher(&h)
	require.NoError(t, err)
	assert.Equal(t, btcGenesisHash, m.Hash(h.Nonce).String())
	target, err := TargetFromBits(h.Bits)
	require.NoError(t, err)
	hash := m.Hash(h.Nonce)
	assert.True(t, target.Meets(&hash))
	hash = m.Hash(h.Nonce + 1)
	assert.False(t, target.Meets(&hash), "the next nonce misses")
}

func TestTargetFromBits(t *testing.T) {
	tests := []struct {
		name    string
		bits    uint32
		want    string // the target, big-endian hex
		wantErr error
	}{
		{"bitcoin's limit", 0x1d00ffff, "ffff" + zeros(52), nil},
		{"devnet's limit", 0x207fffff, "7fffff" + zeros(58), nil},
		{"a small target", 0x03123456, "123456", nil},
		{"one", 0x01010000, "01", nil},
		{"zero", 0, "", ErrBadTarget},
		{"negative", 0x04923456, "", ErrBadTarget},
		{"overflow", 0xff123456, "", ErrBadTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TargetFromBits(tt.bits)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			want, ok := new(big.Int).SetString(tt.want, 16)
			require.True(t, ok)
			assert.Equal(t, 0, want.Cmp(got.Big()), "target %x", got.Big())
			// Least significant byte first, as a hash.
			assert.Equal(t, byte(want.Uint64()), got[0])
		})
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestTargetFromBig(t *testing.T) {
	tests := []struct {
		name    string
		in      *big.Int
		wantErr bool
	}{
		{"zero", big.NewInt(0), false},
		{"2^256 - 1", new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)), false},
		{"2^256", new(big.Int).Lsh(big.NewInt(1), 256), true},
		{"negative", big.NewInt(-1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TargetFromBig(tt.in)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrBadTarget)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 0, tt.in.Cmp(got.Big()))
		})
	}
}

func TestTargetMeets(t *testing.T) {
	target, err := TargetFromBits(0x1d00ffff)
	require.NoError(t, err)
	at := blocks.Hash(target)
	above, below := at, at
	above[0]++            // least significant byte up: just above
	below[len(below)-5]-- // a high byte down: well below
	var top blocks.Hash
	top[len(top)-1] = 1 // a high byte the target does not have
	tests := []struct {
		name string
		hash blocks.Hash
		want bool
	}{
		{"equal", at, true},
		{"one above", above, false},
		{"below", below, true},
		{"zero", blocks.Hash{}, true},
		{"top byte set", top, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, target.Meets(&tt.hash))
			assert.Equal(t, tt.want, HashToBig(tt.hash).Cmp(target.Big()) <= 0, "as numbers")
		})
	}
}

// TestTargetMeetsAsNumbers compares Meets with big.Int's Cmp on random
// pairs that share a seeded number of top bytes.
func TestTargetMeetsAsNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2))
	for i := range 2000 {
		var target Target
		var hash blocks.Hash
		for j := range target {
			target[j] = byte(r.Uint32())
		}
		hash = blocks.Hash(target)
		for j := range r.IntN(len(hash)) + 1 { // differ below some byte
			hash[j] = byte(r.Uint32())
		}
		want := HashToBig(hash).Cmp(target.Big()) <= 0
		require.Equal(t, want, target.Meets(&hash), "pair %d: %x vs %x", i, hash, target)
	}
}

func TestSearch(t *testing.T) {
	easy, err := TargetFromBits(0x1f00ffff) // one hash in 2^16
	require.NoError(t, err)
	never, err := TargetFromBig(big.NewInt(0))
	require.NoError(t, err)
	h := randomHeader(rand.New(rand.NewPCG(9, 3)))
	tests := []struct {
		name      string
		target    Target
		start     uint32
		n         uint64
		wantFound bool
	}{
		{"easy, from 0", easy, 0, 1 << 20, true},
		{"easy, across the wrap", easy, ^uint32(0) - 1<<17, 1 << 20, true},
		{"impossible", never, 0, 1 << 10, false},
		{"no nonces", easy, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewHasher(&h)
			require.NoError(t, err)
			plain, plainOK := SearchPlain(h, &tt.target, tt.start, tt.n)
			fast, fastOK := m.Search(&tt.target, tt.start, tt.n)
			assert.Equal(t, tt.wantFound, plainOK)
			assert.Equal(t, tt.wantFound, fastOK)
			assert.Equal(t, plain, fast, "both find the first nonce")
			if tt.wantFound {
				found := h
				found.Nonce = fast
				hash := found.BlockHash()
				assert.True(t, tt.target.Meets(&hash))
			}
		})
	}
}

func TestSearchDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	h := randomHeader(rand.New(rand.NewPCG(9, 4)))
	never, err := TargetFromBig(big.NewInt(0))
	require.NoError(t, err)
	m, err := NewHasher(&h)
	require.NoError(t, err)
	tests := []struct {
		name   string
		search func()
	}{
		{"midstate", func() { m.Search(&never, 0, 256) }},
		{"plain", func() { SearchPlain(h, &never, 0, 256) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(10, tt.search))
		})
	}
}
