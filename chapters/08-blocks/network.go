package blocks

import (
	wire "peerchain/chapters/02-wire"
)

// docs:begin network

// Network is what a network's blocks agree on before the first one is
// mined: its magic, its genesis block, and its money supply's schedule.
type Network struct {
	Name    string
	Magic   wire.Magic
	Genesis Block
	// Subsidy is the new money of a block, in units (10^8 to a coin,
	// as Bitcoin's satoshis), before the first halving.
	Subsidy uint64
	// HalvingInterval is how many blocks pay each subsidy: Bitcoin's
	// 210,000, about four years of ten-minute blocks.
	HalvingInterval uint64
}

// SubsidyAt is the new money a block at height may pay itself: Subsidy
// halved once per HalvingInterval, by a right shift as Bitcoin's
// GetBlockSubsidy, and nothing after 64 halvings (a shift of 64 is
// undefined in C++, and Go's would give 0 anyway: the rule is said).
func (n *Network) SubsidyAt(height uint64) uint64 {
	if n.HalvingInterval == 0 {
		return n.Subsidy
	}
	halvings := height / n.HalvingInterval
	if halvings >= 64 {
		return 0
	}
	return n.Subsidy >> halvings
}

// docs:end network

// Coin is 10^8 units, as a bitcoin is 10^8 satoshis.
const Coin = 100_000_000

// Money of peerchain's networks: 50 coins a block, halving every
// 210,000 blocks (every 1,000,000 on the devnet, which mines fast).
const (
	InitialSubsidy        = 50 * Coin
	HalvingInterval       = 210_000
	DevNetHalvingInterval = 1_000_000
)

// The genesis headers' fields beside their nonces and merkle roots.
const (
	genesisVersion        = 1
	genesisTime    uint32 = 1767225600 // 2026-01-01 00:00:00 UTC
	genesisBits    uint32 = 0x1e0fffff // chapter 09's easiest target
)

// NetworkOf is the network of a magic: MainNet, TestNet or DevNet.
func NetworkOf(m wire.Magic) (*Network, bool) {
	for _, n := range []*Network{MainNet, TestNet, DevNet} {
		if n.Magic == m {
			return n, true
		}
	}
	return nil, false
}
