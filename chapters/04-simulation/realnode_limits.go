package simulation

import (
	"errors"
	"fmt"

	peers "peerchain/chapters/03-peers"
)

// docs:begin real-limits

// Limits on a real node's connections, after Bitcoin Core's: 125
// connections in all, of which it dials 10 itself (8 that relay
// everything and 2 that relay only blocks) and takes the rest from
// peers that dial it. The two are counted apart so that peers dialing
// in, however many, can never take the slots the node's own dials
// need: a node whose every connection an attacker opened sees only
// what the attacker shows it. That is an eclipse attack, and the
// outbound slots are the first defence against it.
const (
	DefaultMaxOutbound = 10                                             // dialed by us: dialing or connected
	DefaultMaxInbound  = peers.DefaultMaxConnected - DefaultMaxOutbound // 115: dialed us, shaking hands or connected
	// DefaultMaxHandshakes bounds the inbound handshakes under way at
	// once; a connection over it is closed as soon as it is accepted.
	// Each holds a goroutine and buffers until it finishes or its
	// HandshakeTimeout passes, so a flood of connections that never
	// speak holds at most this many, while a burst of honest peers (a
	// classroom devnet restarting) still fits.
	DefaultMaxHandshakes = 32
)

// docs:end real-limits

// Errors of the real driver.
var (
	// ErrAlreadyRunning: Run was called on a node that ran before. A
	// node runs once; make a new one to run again.
	ErrAlreadyRunning = errors.New("node already running")
	// ErrOutboundFull: a Dial over MaxOutbound.
	ErrOutboundFull = errors.New("outbound connections full")
	// ErrInboundFull: an inbound connection over MaxInbound, refused
	// before its handshake.
	ErrInboundFull = errors.New("inbound connections full")
)

// withDefaults checks a RealConfig and fills in its zero values.
func (c RealConfig) withDefaults() (RealConfig, error) {
	fields := []struct {
		name  string
		value *int
		def   int
	}{
		{"InboxSize", &c.InboxSize, DefaultInboxSize},
		{"PeerInboxSize", &c.PeerInboxSize, DefaultPeerInboxSize},
		{"MaxInbound", &c.MaxInbound, DefaultMaxInbound},
		{"MaxOutbound", &c.MaxOutbound, DefaultMaxOutbound},
		{"MaxHandshakes", &c.MaxHandshakes, DefaultMaxHandshakes},
	}
	for _, f := range fields {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %d is negative", ErrConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	if c.Peers.Registry == nil {
		return c, fmt.Errorf("%w: Peers.Registry is nil", ErrConfig)
	}
	if c.Peers.Connected == nil {
		// Room for every connection the limits allow: the limits,
		// not the set, say when the node is full.
		c.Peers.Connected = peers.NewNonceSet(c.MaxInbound + c.MaxOutbound)
	}
	if err := c.Peers.Validate(); err != nil {
		return c, fmt.Errorf("%w: Peers: %w", ErrConfig, err)
	}
	return c, nil
}

// canDial says why the loop must refuse a Dial at once, if it must: the
// node is connected to addr, where it dialed or where an inbound peer
// said it listens; or it is dialing addr; or every outbound slot is
// taken. Only the loop calls it.
func (n *RealNode) canDial(addr Addr) error {
	if n.dialing[addr] {
		return fmt.Errorf("%w: dialing %s already", ErrAlreadyConnected, addr)
	}
	for id, c := range n.conns {
		if c.addr == addr {
			return fmt.Errorf("%w: %s is peer %d", ErrAlreadyConnected, addr, id)
		}
	}
	if out := len(n.dialing) + n.outbound; out >= n.cfg.MaxOutbound {
		return fmt.Errorf("%w: %d of %d", ErrOutboundFull, out, n.cfg.MaxOutbound)
	}
	return nil
}

// admit decides, on the loop, whether to take an inbound connection
// from remote: there must be an inbound slot free, and the machine, if
// it is an Acceptor, must accept it. An admitted connection holds its
// slot until its handshake fails or, once connected, it closes.
func (n *RealNode) admit(remote Addr) error {
	if n.inbound >= n.cfg.MaxInbound {
		return fmt.Errorf("%w: %d", ErrInboundFull, n.cfg.MaxInbound)
	}
	if a, ok := n.m.(Acceptor); ok {
		if err := a.AcceptInbound(n.clock.now(), remote); err != nil {
			return err
		}
	}
	n.inbound++
	return nil
}
