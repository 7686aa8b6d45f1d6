package simulation

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// Bounds on a simulated network.
const (
	MaxNodes          = 1 << 20
	DefaultMaxEvents  = 1 << 32 // events one network may handle in all
	DefaultMaxPending = 1 << 24 // events waiting in the queue at once
	// DialTimeout is how long a dial to a crashed or partitioned node
	// takes to fail, in virtual time.
	DialTimeout = 5 * time.Second
)

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
	ErrDialTimeout      = errors.New("dial timed out")
	ErrPeerCrashed      = errors.New("peer crashed")
	ErrClosedByPeer     = errors.New("closed by peer")
	ErrUnknownAction    = errors.New("unknown action")
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
