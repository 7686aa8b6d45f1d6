package sync

import (
	"time"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
)

// What Sync emits, for the node's API, logs and tests.
type (
	// Synced: the best header's block is connected and no peer has
	// shown more work. It is emitted once; from then on new blocks
	// are announced by headers.
	Synced struct{ Height uint64 }
	// Progress: how far the best header chain and the block tree's
	// tip are, now and then during the download.
	Progress struct{ Headers, Blocks uint64 }
	// Fetched: a downloaded block went into the tree.
	Fetched struct {
		From   simulation.PeerID
		Hash   blocks.Hash
		Height uint64
	}
	// Reorganized: a downloaded block moved the tree to another branch.
	Reorganized struct{ Off, On int }
	// Stalled: a peer held the block at the window's start for longer
	// than Timeout while others waited; its blocks go to others and it
	// is dropped.
	Stalled struct {
		Peer    simulation.PeerID
		Height  uint64
		Timeout time.Duration
	}
	// TimedOut: a peer did not send a block it was asked for within
	// BlockTimeout; its Blocks requests go to others.
	TimedOut struct {
		Peer   simulation.PeerID
		Blocks int
	}
	// Misbehaved: a peer was given points (and reported to the
	// Scorer, if one is set).
	Misbehaved struct {
		Peer   simulation.PeerID
		Points int
		Reason string
	}
	// Fault: something went wrong that is no peer's fault, such as a
	// block the tree refused for being too far from its chain.
	Fault struct{ Err error }
)

// NewBlock is local input: a block made here (the node's miner), to
// take in through Accept and announce. Deliver it as
// discovery.Input{To: sync.Name, Value: NewBlock{...}}, or as
// simulation.Local when Sync is the whole machine.
type NewBlock struct{ Block *blocks.Block }

// Footprint is what the protocol holds, for tests that memory stays
// bounded.
type Footprint struct {
	Headers  int // in the header tree, genesis included
	Buffered int // blocks that came before their turn
	InFlight int // blocks asked for, not come yet
	Peers    int
}
