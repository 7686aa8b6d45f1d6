package sync

import (
	"fmt"
	"time"

	blocks "peerchain/chapters/08-blocks"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// Bounds and defaults of the protocol.
const (
	// DefaultWindow is how far past the last connected block of the
	// best header chain blocks are asked for: Bitcoin Core's
	// BLOCK_DOWNLOAD_WINDOW is 1024; blocks outside it wait, so that
	// the blocks that have come and wait for an earlier one stay few.
	DefaultWindow = 128
	// MaxWindow bounds Config.Window: the buffer of blocks that came
	// before their turn holds at most Window blocks.
	MaxWindow = 1024
	// MaxInFlightPerPeer is how many blocks one peer is asked for at
	// once: Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER.
	MaxInFlightPerPeer = 16
	// MaxGetBlockData is the most hashes a getblockdata (or a
	// blocknotfound) carries.
	MaxGetBlockData = 128
	// DefaultStallTimeout is how long the block at the window's start
	// may stay with one peer while others could take more: Core's
	// BLOCK_STALLING_TIMEOUT_DEFAULT. Each stall doubles it, up to
	// MaxStallTimeout, as Core does, so that a slow network does not
	// drop peer after peer.
	DefaultStallTimeout = 2 * time.Second
	MaxStallTimeout     = 64 * time.Second
	// DefaultBlockTimeout is how long a peer may take to send a block
	// it was asked for before its requests go to others.
	DefaultBlockTimeout = 10 * time.Second
	// DefaultHeadersTimeout is how long a getheaders may wait for its
	// answer before the peer counts as having nothing to say.
	DefaultHeadersTimeout = 10 * time.Second
	// DefaultMaxHeadersPerPeer is how many headers off the best header
	// chain one peer may have the node store in a connection's life:
	// a peer that feeds fork after fork of lighter headers fills only
	// this much before it is refused and scored.
	DefaultMaxHeadersPerPeer = 2 * blocks.MaxHeadersPerMsg
	// MaxHeaders is how many headers the header tree holds in all,
	// its best chain included: 80 MB of headers.
	MaxHeaders = 1 << 20
	// MaxInvalidHeaders is how many invalid headers' hashes are kept,
	// to refuse them and their children without checking again.
	MaxInvalidHeaders = 1000
	// MaxPeers is how many peers the protocol follows: Core's default
	// connection limit. Past it a peer is not synced from.
	MaxPeers = 125
	// MaxAnnounceHeaders is the most headers a new-block announcement
	// carries (Core's MAX_BLOCKS_TO_ANNOUNCE): a peer further behind
	// gets the tip alone, and asks for the rest with getheaders.
	MaxAnnounceHeaders = 8
	// MaxUnconnecting is how many headers messages in a row that do not
	// connect a peer may send before it is scored: an announcement can
	// be honest and early (Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS).
	MaxUnconnecting = 10
	// DefaultProgressEvery is how many blocks connected between two
	// Progress emits.
	DefaultProgressEvery = 100
	// tick is how often in-flight requests are checked for stalls and
	// timeouts, while any are out.
	tick = 500 * time.Millisecond
)

// Misbehaviour points, out of chapter 05's BanThreshold of 100.
const (
	InvalidHeaderPoints = 100 // a header that breaks a rule
	InvalidBlockPoints  = 100 // a block that breaks a rule
	NonContinuousPoints = 20  // headers that do not follow each other
	UnconnectingPoints  = 20  // MaxUnconnecting headers of no parent
	DeepForkPoints      = 10  // a fork deeper than the tree follows
	TooManyHeadersPoint = 20  // past MaxHeadersPerPeer side headers
)

// Config is what a Sync works with: the node's block tree, how blocks
// go into it, and the bounds of the download.
type Config struct {
	// Tree is the node's chain: chapter 10's block tree. Sync reads
	// it and serves blocks and headers from its main chain.
	Tree *forkchoice.Tree
	// Accept takes a downloaded block in: the final node routes it
	// through its ledger. nil is Tree.Add.
	Accept func(b *blocks.Block, now time.Time) (*forkchoice.Change, error)
	// Rules are the header rules of the network (chapter 09's
	// pow.HeaderRuleWith(params, retarget)), checked against each
	// header's own branch. nil checks only chapter 08's context.
	Rules []blocks.HeaderRule
	// Clock turns the driver's time into the chain's (the simulator
	// starts in 2009, the devnet's genesis in 2026): nil is the time
	// itself.
	Clock func(now time.Time) time.Time
	// Window is how far past the last connected block bodies are
	// fetched; 0: DefaultWindow, at most MaxWindow.
	Window       int
	StallTimeout time.Duration // 0: DefaultStallTimeout
	BlockTimeout time.Duration // 0: DefaultBlockTimeout
	// HeadersTimeout: 0 is DefaultHeadersTimeout.
	HeadersTimeout time.Duration
	// MaxHeadersPerPeer: 0 is DefaultMaxHeadersPerPeer.
	MaxHeadersPerPeer int
	// ProgressEvery: 0 is DefaultProgressEvery.
	ProgressEvery int
	// Scheduler decides which peer fetches which block of the window;
	// nil: InOrder, the next blocks to each peer in turn.
	Scheduler Scheduler
}

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Tree == nil:
		return c, fmt.Errorf("%w: no block tree", ErrConfig)
	case c.Window < 0 || c.Window > MaxWindow:
		return c, fmt.Errorf("%w: Window %d not in 0..%d", ErrConfig, c.Window, MaxWindow)
	case c.StallTimeout < 0 || c.BlockTimeout < 0 || c.HeadersTimeout < 0:
		return c, fmt.Errorf("%w: a negative timeout", ErrConfig)
	case c.MaxHeadersPerPeer < 0 || c.ProgressEvery < 0:
		return c, fmt.Errorf("%w: MaxHeadersPerPeer %d, ProgressEvery %d",
			ErrConfig, c.MaxHeadersPerPeer, c.ProgressEvery)
	}
	if c.Accept == nil {
		c.Accept = c.Tree.Add
	}
	if c.Clock == nil {
		c.Clock = func(now time.Time) time.Time { return now }
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.StallTimeout == 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.BlockTimeout == 0 {
		c.BlockTimeout = DefaultBlockTimeout
	}
	if c.HeadersTimeout == 0 {
		c.HeadersTimeout = DefaultHeadersTimeout
	}
	if c.MaxHeadersPerPeer == 0 {
		c.MaxHeadersPerPeer = DefaultMaxHeadersPerPeer
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = DefaultProgressEvery
	}
	if c.Scheduler == nil {
		c.Scheduler = InOrder{}
	}
	return c, nil
}
