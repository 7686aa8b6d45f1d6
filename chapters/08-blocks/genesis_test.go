package blocks

import (
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestGenesis: each network's genesis header hashes to its pinned hash,
// which meets the target of its bits; its merkle root is its coinbase's
// ID; and the block keeps every rule that needs no chain.
func TestGenesis(t *testing.T) {
	tests := []struct {
		name  string
		net   *Network
		magic wire.Magic
		hash  string
	}{
		{"main", MainNet, wire.MainNet, "00000c8cc5e7760a7825f971b366069adb62d7acd04955458e057a22181cd64a"},
		{"test", TestNet, wire.TestNet, "0000028129e88704eaf3e4f4a907a845a33022bba348df49cfa1f47ff8201838"},
		{"devnet", DevNet, wire.DevNet, "000009db4de94cce86032cf51b56076495c8ddecf514903ede657ad4635092be"},
	}
	// The target of bits 0x1e0fffff: 0x0fffff times 256^(0x1e-3).
	target := new(big.Int).Lsh(big.NewInt(0x0fffff), 8*(0x1e-3))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &tt.net.Genesis
			assert.Equal(t, tt.magic, tt.net.Magic)
			assert.Equal(t, tt.hash, g.Hash().String())
			assert.Equal(t, g.Coinbase.ID(), g.Header.MerkleRoot, "one leaf: the coinbase")
			assert.True(t, g.Header.PrevBlock.IsZero())
			assert.Equal(t, uint32(0x1e0fffff), g.Header.Bits)
			assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), g.Header.Timestamp())
			assert.Equal(t, Coinbase{Extra: g.Coinbase.Extra}, g.Coinbase, "height 0, pays 0 to nobody")
			assert.NotEmpty(t, g.Coinbase.Extra)
			assert.Empty(t, g.Txs)

			hash := g.Hash()
			slices.Reverse(hash[:]) // big-endian, for big.Int
			assert.LessOrEqual(t, new(big.Int).SetBytes(hash[:]).Cmp(target), 0,
				"the hash, read little-endian, is at or below the target")
			assert.NoError(t, CheckBlockSanity(g, tt.net))

			n, ok := NetworkOf(tt.magic)
			require.True(t, ok)
			assert.Same(t, tt.net, n)
		})
	}
	_, ok := NetworkOf(wire.BitcoinMainNet)
	assert.False(t, ok, "not one of peerchain's")
	assert.NotEqual(t, MainNet.Genesis.Hash(), TestNet.Genesis.Hash())
}

// TestSubsidyAt: 50 coins, halved by a right shift each interval, and
// nothing from the 64th halving on.
func TestSubsidyAt(t *testing.T) {
	tests := []struct {
		name   string
		net    *Network
		height uint64
		want   uint64
	}{
		{"genesis", MainNet, 0, 50 * Coin},
		{"the last block before the first halving", MainNet, 209_999, 50 * Coin},
		{"the first halving", MainNet, 210_000, 25 * Coin},
		{"the second", MainNet, 420_000, 1_250_000_000},
		{"an odd amount rounds down", MainNet, 210_000 * 10, 4_882_812},
		{"33 halvings: 1 unit", MainNet, 210_000 * 32, 1},
		{"the 33rd: nothing", MainNet, 210_000 * 33, 0},
		{"63 halvings", &Network{Subsidy: 1 << 63, HalvingInterval: 1}, 63, 1},
		{"64 halvings: nothing, not a shift of 64", &Network{Subsidy: 1 << 63, HalvingInterval: 1}, 64, 0},
		{"the devnet halves later", DevNet, 210_000, 50 * Coin},
		{"the devnet's first halving", DevNet, 1_000_000, 25 * Coin},
		{"no interval: no halving", &Network{Subsidy: 7}, 1 << 40, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.net.SubsidyAt(tt.height))
		})
	}
}
