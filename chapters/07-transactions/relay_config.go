package transactions

import (
	"errors"
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// docs:begin relay-defaults

// The relay's defaults.
const (
	// DefaultAnnounceDelay is the mean wait of a transaction's
	// announcement to a peer: Bitcoin trickles its invs every 2 s
	// (outbound) and 5 s (inbound), on average, so that many go in one
	// message and an observer cannot time each back to its origin.
	DefaultAnnounceDelay = 500 * time.Millisecond
	// DefaultFluff is the chance that a node ends a transaction's stem
	// and broadcasts it (Dandelion++ suggests 0.1 to 0.2: stems of 5 to
	// 10 hops).
	DefaultFluff = 0.2
	// DefaultEmbargo is the mean wait of a node that passed a
	// transaction along a stem before it broadcasts the transaction
	// itself, if it has not come back by broadcast: a stem that a
	// failed or malicious node ended loses nothing.
	DefaultEmbargo = 5 * time.Second
	// DefaultEpoch is how long a node keeps its stem relay: changing
	// it often would let a spy see more of the graph.
	DefaultEpoch = 10 * time.Minute
	// DefaultTxSyncInterval is the mean time between two inventories
	// of recent transactions sent to a random peer.
	DefaultTxSyncInterval = 10 * time.Second
	// DefaultExpireInterval is how often the mempool drops what has
	// waited too long.
	DefaultExpireInterval = time.Minute
	// MaxStem bounds the transactions a node has passed along a stem
	// and not yet seen broadcast.
	MaxStem = 10_000
)

// docs:end relay-defaults

// TxItem is the item type of transactions in chapter 06's protocol,
// with Bitcoin's MSG_TX code. Its check is the relay's.
const TxItem = 1

// ErrRelay is a RelayConfig that cannot work.
var ErrRelay = errors.New("invalid relay config")

// docs:begin relay-config

// StemConfig turns on Dandelion's stem phase: a new transaction goes
// from peer to peer along one path, each node passing it to its one
// stem relay, until one node, by chance, broadcasts it (the fluff).
type StemConfig struct {
	Fluff   float64       // chance a node ends the stem; 0: DefaultFluff
	Embargo time.Duration // 0: DefaultEmbargo
	Epoch   time.Duration // 0: DefaultEpoch
}

// RelayConfig configures a Relay.
type RelayConfig struct {
	Chain wire.Magic
	// State is the chain's state the mempool builds on; nil is an
	// empty one. The relay reads it; whoever adds blocks changes it,
	// then tells the mempool (BlockApplied, BlockReverted).
	State     *State
	Mempool   MempoolConfig    // its Chain and SigCache are set here
	Broadcast broadcast.Config // its Types are set here; zero: TxBroadcast()
	Stem      *StemConfig      // nil: no stem, every transaction floods at once
	// SigCache, shared by every node of a simulation, checks each
	// signature once, however many nodes get it; nil: a cache of the
	// relay's own.
	SigCache       *SigCache
	ExpireInterval time.Duration // 0: DefaultExpireInterval
}

// docs:end relay-config

// TxBroadcast is chapter 06's protocol as transactions use it:
// Bitcoin's announce-and-fetch on a trickle timer, with no trees, since
// each transaction starts at its own node, fetched at once, and an
// inventory of recent ones now and then rather than every second: a
// mempool holds many more items than blocks come, and Bitcoin has no
// such inventory at all (a missed transaction comes in a block).
func TxBroadcast() broadcast.Config {
	return broadcast.Config{Policy: broadcast.AnnouncePolicy{Delay: DefaultAnnounceDelay},
		NoPrune: true, SyncInterval: DefaultTxSyncInterval}
}

func (c RelayConfig) withDefaults() (RelayConfig, error) {
	if c.State == nil {
		c.State = NewState(c.Chain, nil)
	}
	if c.State.Chain() != c.Chain {
		return c, fmt.Errorf("%w: state of %s for a relay of %s", ErrRelay,
			wire.NetworkName(c.State.Chain()), wire.NetworkName(c.Chain))
	}
	if c.Broadcast.Policy == nil {
		types := c.Broadcast.Types
		c.Broadcast = TxBroadcast()
		c.Broadcast.Types = types
	}
	if c.SigCache == nil {
		c.SigCache = NewSigCache(0)
	}
	c.Mempool.Chain, c.Mempool.SigCache = c.Chain, c.SigCache
	if c.ExpireInterval < 0 {
		return c, fmt.Errorf("%w: ExpireInterval %v is negative", ErrRelay, c.ExpireInterval)
	}
	if c.ExpireInterval == 0 {
		c.ExpireInterval = DefaultExpireInterval
	}
	if s := c.Stem; s != nil {
		stem := *s
		if stem.Fluff < 0 || stem.Fluff > 1 || stem.Embargo < 0 || stem.Epoch < 0 {
			return c, fmt.Errorf("%w: stem %+v: Fluff must be in [0, 1], durations not negative", ErrRelay, stem)
		}
		if stem.Fluff == 0 {
			stem.Fluff = DefaultFluff
		}
		if stem.Embargo == 0 {
			stem.Embargo = DefaultEmbargo
		}
		if stem.Epoch == 0 {
			stem.Epoch = DefaultEpoch
		}
		c.Stem = &stem
	}
	return c, nil
}
