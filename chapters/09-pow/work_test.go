package pow

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"

	blocks "peerchain/chapters/08-blocks"
)

func TestWork(t *testing.T) {
	tests := []struct {
		name string
		bits uint32
		want string // decimal
	}{
		{"bitcoin genesis: 0x100010001", 0x1d00ffff, "4295032833"},
		{"peerchain limit: 2^20 + 1", 0x1e0fffff, "1048577"},
		{"devnet limit: two hashes", 0x207fffff, "2"},
		{"a real 2010 target", 0x1c05a3f4, "194933597107"},
		{"zero target proves nothing", 0x01003456, "0"},
		{"negative target proves nothing", 0x04923456, "0"},
		{"overflowing target proves nothing", 0xff123456, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Work(tt.bits).String())
		})
	}
}

func TestChainWork(t *testing.T) {
	genesisWork := Work(0x1d00ffff)
	tests := []struct {
		name string
		view blocks.ChainView
		want *big.Int
	}{
		{"genesis alone counts", chainOf(1, 0x1d00ffff, 0, 600),
			genesisWork},
		{"three blocks", chainOf(3, 0x1d00ffff, 0, 600),
			new(big.Int).Mul(genesisWork, big.NewInt(3))},
		{"mixed targets, an invalid one adds nothing",
			sliceView{{Bits: 0x1d00ffff}, {Bits: 0x207fffff}, {Bits: 0}},
			new(big.Int).Add(genesisWork, big.NewInt(2))},
		{"a header the view lacks adds nothing",
			sparseView{tip: 2, headers: map[uint64]blocks.Header{
				0: {Bits: 0x207fffff}, 2: {Bits: 0x207fffff}}},
			big.NewInt(4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want.String(), ChainWork(tt.view).String())
		})
	}
}

// Two blocks at Bitcoin's first target took more hashing than a
// thousand at the devnet's: the chain to follow is the one with more
// work, whatever its length.
func TestMostWorkNotMostBlocks(t *testing.T) {
	short := chainOf(2, 0x1d00ffff, 0, 600)
	long := chainOf(1000, 0x207fffff, 0, 5)
	assert.Greater(t, long.Height(), short.Height())
	assert.Positive(t, ChainWork(short).Cmp(ChainWork(long)),
		"short %v, long %v", ChainWork(short), ChainWork(long))
}
