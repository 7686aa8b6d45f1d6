package simulation

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	wire "peerchain/chapters/02-wire"
)

// Bounds on a simulated network.
const (
	MaxNodes          = 1 << 20
	DefaultMaxEvents  = 1 << 32 // events one network may handle in all
	DefaultMaxPending = 1 << 24 // events waiting in the queue at once
	// DefaultMaxEmitted is how many Emit records a network keeps for
	// Emitted; older ones make room (OnEmit sees them all).
	DefaultMaxEmitted = 1 << 16
	// DialTimeout is how long a dial whose packets are lost (the target
	// is down, or a partition cuts the way) takes to fail, counted from
	// the dial, in virtual time.
	DialTimeout = 5 * time.Second
)

// SimUserAgent is what every simulated node says it runs.
const SimUserAgent = "/peerchain-sim:0.1/"

// Epoch is the virtual time every simulated network starts at: the
// timestamp of Bitcoin's genesis block.
var Epoch = time.Date(2009, time.January, 3, 18, 15, 5, 0, time.UTC)

// Errors the simulator returns or reports in events.
var (
	ErrConfig           = errors.New("invalid simulation config")
	ErrNoSuchNode       = errors.New("no such node")
	ErrEventLimit       = errors.New("event limit reached")
	ErrQueueFull        = errors.New("event queue full")
	ErrSelfDial         = errors.New("dialed itself")
	ErrAlreadyConnected = errors.New("already connected")
	ErrRefused          = errors.New("connection refused")
	ErrDialTimeout      = errors.New("dial timed out")
	ErrPeerCrashed      = errors.New("peer crashed")
	ErrClosedByPeer     = errors.New("closed by peer")
	ErrConnectionReset  = errors.New("connection reset")
	ErrUnknownAction    = errors.New("unknown action")
	ErrNotRegistered    = errors.New("command not in the registry")
)

// docs:begin config

// Config describes a simulated network. Zero values take the defaults
// noted; validate rejects what cannot work.
type Config struct {
	Nodes    int      // how many nodes, 1 to MaxNodes
	Seed     uint64   // every random choice in a run derives from it
	Topology Topology // who is linked at the start; nil: AnyToAny
	Latency  Latency  // delay of each message; nil: Constant{0}
	Loss     float64  // chance each message is lost, 0 to 1
	// Trace, if set, gets a line for every delivery, drop, crash and
	// restart: the whole run, for reading or for hashing.
	Trace io.Writer
	// MaxEvents and MaxPending bound a run's work and its queue; zero
	// means DefaultMaxEvents and DefaultMaxPending.
	MaxEvents  uint64
	MaxPending int

	// Registry, if set, holds the messages a node may send: a Send of
	// any other command comes back as SendFailed, as a real node
	// refuses to send what it could not decode itself. Nil lets any
	// message through.
	Registry *wire.Registry
	// Cost, if set, is how long a message of size bytes (envelope
	// included) takes to put on the link from one node to another: its
	// transmission time. Messages on one link go one after another, as
	// on a TCP connection, and each arrives its Cost plus the link's
	// latency after it starts. Bandwidth makes the usual one.
	Cost func(from, to NodeID, size int) time.Duration
	// Processing, if set, is how long a node is busy with an event: the
	// actions it returns take effect that much later, and events that
	// arrive meanwhile wait their turn. A node that spends 50 ms
	// checking a block is Processing returning 50 ms for it.
	Processing func(id NodeID, ev Event) time.Duration
	// OnEmit, if set, sees every Emit action as it happens.
	OnEmit func(Emitted)
	// MaxEmitted bounds the Emit records kept for Emitted; zero means
	// DefaultMaxEmitted.
	MaxEmitted int
	// Address, if set, says where each node listens, for experiments
	// that need addresses shaped like real ones ("203.0.113.7:8333",
	// to put attackers in a few network groups). Nil: SimAddr. Every
	// node's address must be different.
	Address func(id NodeID) Addr
	// OnAction, if set, is offered every action the simulator does not
	// know, a later chapter's CustomAction, and reports whether it took
	// it. One it does not take stops the run with ErrUnknownAction.
	OnAction func(id NodeID, a Action) bool
}

// docs:end config

func (c *Config) validate() error {
	switch {
	case c.Nodes < 1 || c.Nodes > MaxNodes:
		return fmt.Errorf("%w: Nodes %d not in 1..%d", ErrConfig, c.Nodes, MaxNodes)
	case c.Loss < 0 || c.Loss > 1 || math.IsNaN(c.Loss):
		return fmt.Errorf("%w: Loss %v not in 0..1", ErrConfig, c.Loss)
	case c.MaxPending < 0:
		return fmt.Errorf("%w: MaxPending %d is negative", ErrConfig, c.MaxPending)
	case c.MaxEmitted < 0:
		return fmt.Errorf("%w: MaxEmitted %d is negative", ErrConfig, c.MaxEmitted)
	}
	if c.MaxEmitted == 0 {
		c.MaxEmitted = DefaultMaxEmitted
	}
	if c.Topology == nil {
		c.Topology = AnyToAny()
	}
	if c.Latency == nil {
		c.Latency = Constant{}
	}
	if c.MaxEvents == 0 {
		c.MaxEvents = DefaultMaxEvents
	}
	if c.MaxPending == 0 {
		c.MaxPending = DefaultMaxPending
	}
	return c.Latency.Validate()
}
