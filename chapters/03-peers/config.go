package peers

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"time"

	wire "peerchain/chapters/02-wire"
)

// Bounds on Config values. The lower ones make the peer work at all; the
// upper ones stop a typo from asking for gigabytes of queue.
const (
	// MinSendQueueSize leaves room for what a peer sends on its own: the
	// handshake's version and verack, a ping, and a pong.
	MinSendQueueSize = 4
	MaxSendQueueSize = 1 << 16
	// MinSendQueueBytes fits one frame of the largest message there is,
	// so that any message a peer may send can be queued at all.
	MinSendQueueBytes = wire.HeaderSize + wire.MaxPayload
	// MaxSendQueueBytes stops a typo from reserving a gigabyte per peer.
	MaxSendQueueBytes = 1 << 30
	// MaxNonceSetSize bounds NewNonceSet, so one node's set stays small.
	MaxNonceSetSize = 1 << 16
)

// Defaults that are not durations: DefaultConfig uses them.
const (
	DefaultUserAgent = "/peerchain:0.1/"
	// DefaultMaxConnected is Bitcoin Core's default connection limit.
	DefaultMaxConnected = 125
	// DefaultSendQueueBytes is room for two of the largest messages
	// (8 MiB): one may wait while the writer writes another. Bitcoin
	// Core's -maxsendbuffer, 5 MB, holds one of its largest (4 MB).
	// DefaultMaxConnected peers this far behind would hold 1 GB.
	DefaultSendQueueBytes = 2 * MinSendQueueBytes
)

// docs:begin config

// Config configures every peer of one node. Start from DefaultConfig.
type Config struct {
	Magic wire.Magic // the network; a message with another is refused
	// Registry holds the messages a peer may receive. It must include
	// wire.BaseMessages(); later chapters register theirs beside them.
	Registry           *wire.Registry
	ProtocolVersion    uint32 // the version we speak
	MinProtocolVersion uint32 // the oldest version we accept
	Services           uint64 // service bits we offer, sent in version
	UserAgent          string // e.g. "/peerchain:0.1/"
	// Nonce is this node's random number, the same on all its peers:
	// a version carrying it means we have dialed ourselves. The caller
	// picks it, with RandomNonce; it must not be zero.
	Nonce       uint64
	ListenAddr  netip.AddrPort // where we listen, sent in version
	StartHeight int32          // our best block's height
	Relay       bool           // ask for transactions to be relayed
	// Advertise, if set, is called for every version message a peer
	// sends, on the goroutine running its handshake, and what it
	// returns replaces Services and StartHeight: a growing chain
	// advertises its real height. It must be safe for concurrent use.
	Advertise func() Advertised
	// Connected holds the nonces of the node's connected peers, shared
	// by all of them, to refuse a second connection to the same node
	// and to settle two that cross (see NonceSet). Nil turns that off.
	Connected *NonceSet

	HandshakeTimeout time.Duration // to finish version and verack
	IdleTimeout      time.Duration // nothing read for this long: drop
	PingInterval     time.Duration // between our pings; < IdleTimeout
	PingTimeout      time.Duration // a ping unanswered this long: drop
	WriteTimeout     time.Duration // one message's write: drop if longer
	// SendQueueSize is how many messages may wait to be written. Full
	// means the peer reads slower than we send: it is disconnected
	// with ErrSlowPeer.
	SendQueueSize int
	// SendQueueBytes bounds the bytes of the messages waiting, the
	// same way: a few large messages fill memory long before the
	// queue is full.
	SendQueueBytes int

	// OnConnect is told of a peer whose handshake has passed, on the
	// goroutine that called New, before the peer reads anything more:
	// it comes before the peer's OnMessage and OnPong calls.
	OnConnect func(p *Peer)
	// OnMessage receives every message after the handshake except ping
	// and pong, which the peer answers and measures itself. It runs on
	// the peer's reader goroutine, one message at a time, in order;
	// while it runs, that peer's reading waits.
	OnMessage func(p *Peer, msg wire.Message)
	// OnPong is told each round trip measured, from the same goroutine.
	OnPong func(p *Peer, rtt time.Duration)
	// OnUnknown is told of each message after the handshake whose
	// command the Registry does not know, with its size on the wire,
	// envelope included: the peer skips it, but a node may count a
	// stream of them against the peer. Same goroutine again.
	OnUnknown func(p *Peer, command string, size int)
	// All four may call Send and Disconnect, but never Close: Close
	// waits for the goroutine they run on.
}

// DefaultConfig returns the settings of a node on peerchain's devnet,
// with Bitcoin Core's timings where it has them. Set Nonce before use.
func DefaultConfig() Config {
	return Config{
		Magic:              wire.DevNet,             // local network
		Registry:           baseRegistry(),          // version to pong
		ProtocolVersion:    wire.ProtocolVersion,    // what we speak
		MinProtocolVersion: wire.MinProtocolVersion, // oldest we take
		UserAgent:          DefaultUserAgent,        // BIP 14's form
		Relay:              true,                    // a full node
		Connected:          NewNonceSet(DefaultMaxConnected),

		HandshakeTimeout: 30 * time.Second, // btcd's; Core allows 60
		IdleTimeout:      20 * time.Minute, // Core's TIMEOUT_INTERVAL
		PingInterval:     2 * time.Minute,  // Core's PING_INTERVAL
		PingTimeout:      20 * time.Minute, // Core's, again
		WriteTimeout:     10 * time.Second, // a healthy peer takes ms
		SendQueueSize:    64,               // a peer that keeps up
		SendQueueBytes:   DefaultSendQueueBytes,
	}
}

// docs:end config

// docs:begin advertised

// Advertised is what a node says about itself in each version message it
// sends, besides its nonce and addresses.
type Advertised struct {
	Services    uint64
	StartHeight int32
}

// advertised returns what the next version message says: Advertise's
// answer if there is an Advertise, else Services and StartHeight.
func (c Config) advertised() Advertised {
	if c.Advertise != nil {
		return c.Advertise()
	}
	return Advertised{Services: c.Services, StartHeight: c.StartHeight}
}

// docs:end advertised

// baseRegistry returns a new registry of wire.BaseMessages. It cannot
// fail: the base messages are valid and their commands distinct, which
// TestDefaultConfigIsValid checks.
func baseRegistry() *wire.Registry {
	reg, _ := wire.NewRegistry(wire.BaseMessages()...)
	return reg
}

// ErrConfig is wrapped by every error that a bad Config causes.
var ErrConfig = errors.New("invalid config")

// Validate rejects a Config that cannot work, with an error that wraps
// ErrConfig and names the field. New and Dial call it; a program may call
// it first, to fail before it listens.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.Magic == wire.Magic{}:
		return bad("Magic is zero: pick a network, such as wire.DevNet")
	case c.Registry == nil:
		return bad("Registry is nil: start from DefaultConfig")
	case c.ProtocolVersion < c.MinProtocolVersion:
		return bad("ProtocolVersion %d is below MinProtocolVersion %d: "+
			"we would refuse ourselves", c.ProtocolVersion, c.MinProtocolVersion)
	case len(c.UserAgent) > wire.MaxUserAgentLen:
		return bad("UserAgent is %d bytes, limit %d", len(c.UserAgent), wire.MaxUserAgentLen)
	case c.Nonce == 0:
		return bad("Nonce is zero: pick one with RandomNonce")
	case c.HandshakeTimeout <= 0:
		return bad("HandshakeTimeout %v must be positive", c.HandshakeTimeout)
	case c.PingInterval <= 0:
		return bad("PingInterval %v must be positive", c.PingInterval)
	case c.IdleTimeout <= c.PingInterval:
		return bad("IdleTimeout %v must exceed PingInterval %v, or a quiet "+
			"but healthy peer is dropped", c.IdleTimeout, c.PingInterval)
	case c.PingTimeout <= 0:
		return bad("PingTimeout %v must be positive", c.PingTimeout)
	case c.WriteTimeout <= 0:
		return bad("WriteTimeout %v must be positive", c.WriteTimeout)
	case c.SendQueueSize < MinSendQueueSize || c.SendQueueSize > MaxSendQueueSize:
		return bad("SendQueueSize %d not in %d..%d", c.SendQueueSize, MinSendQueueSize, MaxSendQueueSize)
	case c.SendQueueBytes < MinSendQueueBytes || c.SendQueueBytes > MaxSendQueueBytes:
		return bad("SendQueueBytes %d not in %d..%d", c.SendQueueBytes, MinSendQueueBytes, MaxSendQueueBytes)
	}
	return checkRegistry(c.Registry)
}

// checkRegistry makes sure reg decodes the messages this package handles
// into the types it expects.
func checkRegistry(reg *wire.Registry) error {
	for _, factory := range wire.BaseMessages() {
		want := factory()
		got, err := reg.New(want.Command())
		if err != nil || reflect.TypeOf(got) != reflect.TypeOf(want) {
			return fmt.Errorf("%w: Registry lacks %s (%T): register "+
				"wire.BaseMessages()", ErrConfig, want.Command(), want)
		}
	}
	return nil
}
