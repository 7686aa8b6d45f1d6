package discovery

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin conn-defaults

// The connection manager's defaults, Bitcoin Core's where it has one.
const (
	DefaultOutboundTarget = 8   // full outbound connections kept
	DefaultMaxInbound     = 117 // 125 connections, less 8 outbound
	DefaultMaxPerGroup    = 1   // outbound connections per network group
	DefaultAnchors        = 2   // outbound connections kept across restarts
	// DefaultConnectInterval is the pause between two dials while the
	// node is short of outbound connections (Core: 500 ms).
	DefaultConnectInterval = 500 * time.Millisecond
	// DefaultIdleInterval is how often the manager looks again once
	// every outbound slot is full.
	DefaultIdleInterval = 10 * time.Second
	// DefaultFeelerInterval is the mean time between feelers (Core:
	// 2 minutes).
	DefaultFeelerInterval = 2 * time.Minute
	// Retries of a failing address: 2 s, 4 s, 8 s, ... up to 30 min,
	// each with jitter (see Backoff).
	DefaultBackoffBase = 2 * time.Second
	DefaultBackoffCap  = 30 * time.Minute
	// DefaultSeedInterval is how long the node waits before asking a
	// seed again when its book gives it nothing to dial.
	DefaultSeedInterval = 11 * time.Second
	// DefaultOneShotTimeout is how long a seed connection may stay
	// open waiting for its addr answer.
	DefaultOneShotTimeout = 30 * time.Second
)

// docs:end conn-defaults

// docs:begin misbehaviour-points

// What a peer's misbehaviour costs, in points of BanThreshold.
const (
	// UnknownAllowance is how many messages of commands the node does
	// not know a peer may send on one connection for free: a newer
	// peer may well send a few. Each one after costs UnknownPoints, so
	// a peer that streams them forever is banned after
	// UnknownAllowance + BanThreshold/UnknownPoints of them.
	UnknownAllowance = 10
	UnknownPoints    = 1
	// MalformedPoints is the cost of a message that does not decode.
	// Chapter 03 hangs up on such a peer at once; the points follow its
	// address, so that one that keeps coming back is banned on the
	// fifth time.
	MalformedPoints = 20
)

// docs:end misbehaviour-points

// selfVotes is how many peers must agree on the address they see us at
// before a node listening on an unspecified address believes them.
const selfVotes = 2

// selectTries bounds how many addresses one dial attempt draws from the
// book before it gives up until the next tick (Core: 100).
const selectTries = 64

// ErrConnConfig is a ConnConfig that cannot work.
var ErrConnConfig = errors.New("invalid connection manager config")

// docs:begin conn-config

// ConnConfig configures a connection manager. Zero values take the
// defaults above.
type ConnConfig struct {
	// Self is where this node listens: never dialed, never relayed
	// as someone else's. With an unspecified host ("0.0.0.0:8333")
	// the node learns its IP from what its peers see.
	Self simulation.Addr
	// Seeds are nodes to ask for addresses when the book has none to
	// dial; DNSSeeds are names that resolve to such nodes, on port
	// SeedPort when the answer has none.
	Seeds    []simulation.Addr
	DNSSeeds []string
	SeedPort uint16
	// Anchors are dialed first at start: the connections the node had
	// before it stopped (see the Anchors event). Bans are the bans it
	// had (see PeerTable.Bans).
	Anchors []simulation.Addr
	Bans    []Ban

	OutboundTarget int
	MaxInbound     int
	MaxPerGroup    int // outbound connections in one network group
	AnchorCount    int

	ConnectInterval time.Duration
	IdleInterval    time.Duration
	FeelerInterval  time.Duration
	BackoffBase     time.Duration
	BackoffCap      time.Duration
	SeedInterval    time.Duration
	OneShotTimeout  time.Duration
	// Backoff, if set, replaces the package's Backoff: how the demo's
	// -lab runs the learner's retry schedule.
	Backoff func(base, limit time.Duration, attempt int, r *rand.Rand) time.Duration
}

// docs:end conn-config

func (c ConnConfig) withDefaults() (ConnConfig, error) {
	ints := []struct {
		name  string
		value *int
		def   int
	}{
		{"OutboundTarget", &c.OutboundTarget, DefaultOutboundTarget},
		{"MaxInbound", &c.MaxInbound, DefaultMaxInbound},
		{"MaxPerGroup", &c.MaxPerGroup, DefaultMaxPerGroup},
		{"AnchorCount", &c.AnchorCount, DefaultAnchors},
	}
	for _, f := range ints {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %d is negative", ErrConnConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	durations := []struct {
		name  string
		value *time.Duration
		def   time.Duration
	}{
		{"ConnectInterval", &c.ConnectInterval, DefaultConnectInterval},
		{"IdleInterval", &c.IdleInterval, DefaultIdleInterval},
		{"FeelerInterval", &c.FeelerInterval, DefaultFeelerInterval},
		{"BackoffBase", &c.BackoffBase, DefaultBackoffBase},
		{"BackoffCap", &c.BackoffCap, DefaultBackoffCap},
		{"SeedInterval", &c.SeedInterval, DefaultSeedInterval},
		{"OneShotTimeout", &c.OneShotTimeout, DefaultOneShotTimeout},
	}
	for _, f := range durations {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %v is negative", ErrConnConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	if c.Backoff == nil {
		c.Backoff = Backoff
	}
	if c.AnchorCount > c.OutboundTarget {
		return c, fmt.Errorf("%w: AnchorCount %d is over OutboundTarget %d",
			ErrConnConfig, c.AnchorCount, c.OutboundTarget)
	}
	return c, nil
}
