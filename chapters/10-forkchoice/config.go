package forkchoice

import (
	"fmt"
	"math/big"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// docs:begin bounds

// Bounds of the tree, by default.
const (
	// DefaultMaxOrphans is how many blocks of unknown parent wait:
	// btcd's maxOrphanBlocks.
	DefaultMaxOrphans = 100
	// DefaultMaxReorgDepth is how many blocks a reorganisation may take
	// off. A block whose branch leaves the main chain deeper than that
	// is refused (ErrForkTooOld), so such a reorganisation never
	// starts: on the devnet's seconds-long blocks 100 is minutes of
	// work, more than an honest fork.
	DefaultMaxReorgDepth = 100
	// MaxInvalid is how many invalid blocks' hashes the tree remembers,
	// to refuse them and their children without checking again.
	MaxInvalid = 1000
)

// docs:end bounds

// docs:begin config

// Config is what a Tree starts from. Network, State and Rules are
// chapter 08's ChainConfig; the rest is the fork choice's.
type Config struct {
	Network *blocks.Network
	State   *transactions.State // the state at genesis
	Rules   []blocks.HeaderRule // chapter 09's proof of work, usually
	// OrphanRule checks what can be checked of a block whose parent
	// has not come: its proof of work against its own bits. nil checks
	// nothing beyond the block's own sanity.
	OrphanRule func(h *blocks.Header) error
	// Work is a block's work from its bits: nil is pow.Work.
	Work func(bits uint32) *big.Int
	// Choice picks the tip: nil is MostWork.
	Choice        Choice
	MaxOrphans    int    // 0: DefaultMaxOrphans
	MaxReorgDepth uint64 // 0: DefaultMaxReorgDepth
	// TxCheck checks each transaction alone, in Add and in the chain:
	// nil is tx.Check (chapter 08's ChainConfig.TxCheck).
	TxCheck blocks.TxCheck
}

// docs:end config

// withDefaults fills what is left zero, and refuses what cannot work.
func (c Config) withDefaults() (Config, error) {
	if c.Network == nil || c.State == nil {
		return c, fmt.Errorf("%w: a network and a state are needed", ErrConfig)
	}
	if c.MaxOrphans < 0 {
		return c, fmt.Errorf("%w: MaxOrphans %d", ErrConfig, c.MaxOrphans)
	}
	if c.Work == nil {
		c.Work = pow.Work
	}
	if c.Choice == nil {
		c.Choice = MostWork{}
	}
	if c.MaxOrphans == 0 {
		c.MaxOrphans = DefaultMaxOrphans
	}
	if c.MaxReorgDepth == 0 {
		c.MaxReorgDepth = DefaultMaxReorgDepth
	}
	return c, nil
}
