package simulation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	peers "peerchain/chapters/03-peers"
)

// TestRealNodeRefusesDials: a Dial to a peer the node has, or is
// dialing already, or over MaxOutbound, fails at once with DialFailed,
// and the dials before it are not disturbed.
func TestRealNodeRefusesDials(t *testing.T) {
	tests := []struct {
		name    string
		limit   int // MaxOutbound; 0: the default
		dial    func(a, b Addr) []Action
		again   func(a, b Addr, up PeerConnected) []Action // once connected
		wantErr error
		wantTo  string // "a" or "b": which address the failure names
	}{
		{name: "dialing already", dial: func(a, _ Addr) []Action { return []Action{Dial{Addr: a}, Dial{Addr: a}} },
			wantErr: ErrAlreadyConnected, wantTo: "a"},
		{name: "connected already", dial: func(a, _ Addr) []Action { return []Action{Dial{Addr: a}} },
			again:   func(a, _ Addr, _ PeerConnected) []Action { return []Action{Dial{Addr: a}} },
			wantErr: ErrAlreadyConnected, wantTo: "a"},
		{name: "outbound full", limit: 1, dial: func(a, b Addr) []Action { return []Action{Dial{Addr: a}, Dial{Addr: b}} },
			wantErr: ErrOutboundFull, wantTo: "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startRealNode(t, newRecording(nil)).addr
			b := startRealNode(t, newRecording(nil)).addr
			m := newRecording(func(ev Event) []Action {
				switch ev := ev.(type) {
				case Start:
					return tt.dial(a, b)
				case PeerConnected:
					if tt.again != nil {
						return tt.again(a, b, ev)
					}
				}
				return nil
			})
			startRealNode(t, m, withConfig(func(c *RealConfig) { c.MaxOutbound = tt.limit }))
			up := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
			assert.Equal(t, a, up.Addr)
			failed := m.next(t, "dial failure", is[DialFailed]).(DialFailed)
			assert.ErrorIs(t, failed.Err, tt.wantErr)
			assert.NotErrorIs(t, failed.Err, peers.ErrDuplicateConnection, "refused before dialing")
			assert.Equal(t, map[string]Addr{"a": a, "b": b}[tt.wantTo], failed.Addr)
		})
	}
}

// TestRealNodeRefusesDialToInboundPeer: a peer that dialed us is known
// by where it listens, so dialing that address is refused too.
func TestRealNodeRefusesDialToInboundPeer(t *testing.T) {
	m := newRecording(func(ev Event) []Action {
		if ev, ok := ev.(PeerConnected); ok && ev.Inbound {
			return []Action{Dial{Addr: ev.Addr}}
		}
		return nil
	})
	n := startRealNode(t, m)
	dialer := newRecording(func(ev Event) []Action {
		if is[Start](ev) {
			return []Action{Dial{Addr: n.addr}}
		}
		return nil
	})
	from := startRealNode(t, dialer)
	in := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
	require.Equal(t, from.addr, in.Addr)
	failed := m.next(t, "dial failure", is[DialFailed]).(DialFailed)
	assert.ErrorIs(t, failed.Err, ErrAlreadyConnected)
	assert.NotErrorIs(t, failed.Err, peers.ErrDuplicateConnection, "refused before dialing")
	assert.Equal(t, from.addr, failed.Addr)
}

// TestRealNodeInboundAddr: a peer that says it listens on an unspecified
// host (0.0.0.0) is known by the IP its connection comes from.
func TestRealNodeInboundAddr(t *testing.T) {
	m := newRecording(nil)
	n := startRealNode(t, m)
	ln := listen(t)
	port := netip.MustParseAddrPort(ln.Addr().String()).Port()
	startRealNode(t, dialsAt(n.addr), withListener(ln), withConfig(func(c *RealConfig) {
		c.Peers.ListenAddr = netip.AddrPortFrom(netip.IPv4Unspecified(), port)
	}))
	in := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.Equal(t, Addr(ln.Addr().String()), in.Addr)
}

// dialsAt is a machine that dials addrs when it starts and records what
// follows.
func dialsAt(addrs ...Addr) *recording {
	return newRecording(func(ev Event) []Action {
		if !is[Start](ev) {
			return nil
		}
		var dials []Action
		for _, a := range addrs {
			dials = append(dials, Dial{Addr: a})
		}
		return dials
	})
}

// TestRealNodeInboundLimit: inbound connections over MaxInbound are
// refused before their handshake, and they do not take the slots the
// node's own dials need: with every inbound slot taken, it still dials.
func TestRealNodeInboundLimit(t *testing.T) {
	m := newRecording(func(ev Event) []Action {
		if ev, ok := ev.(Local); ok {
			return []Action{Dial{Addr: ev.Value.(Addr)}}
		}
		return nil
	})
	n := startRealNode(t, m, withConfig(func(c *RealConfig) {
		c.MaxInbound, c.MaxOutbound = 1, 1
	}))

	first := dialsAt(n.addr)
	startRealNode(t, first)
	first.next(t, "connected", is[PeerConnected])
	in := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.True(t, in.Inbound)

	second := dialsAt(n.addr)
	startRealNode(t, second)
	second.next(t, "dial failure", is[DialFailed])

	target := startRealNode(t, newRecording(nil))
	require.NoError(t, n.Inject(context.Background(), target.addr))
	out := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.False(t, out.Inbound)
	assert.Equal(t, target.addr, out.Addr)
	barrier(t, n)
	for _, ev := range m.drain() {
		assert.False(t, is[PeerConnected](ev), "only one inbound: %v", ev)
	}
}

// TestRealNodeHandshakeLimit: with MaxHandshakes inbound handshakes
// under way, the next inbound connection is closed as soon as it is
// accepted; the ones under way go on.
func TestRealNodeHandshakeLimit(t *testing.T) {
	m := newRecording(nil)
	n := startRealNode(t, m, withConfig(func(c *RealConfig) { c.MaxHandshakes = 1 }))
	silent, err := net.Dial("tcp", string(n.addr)) // takes the one handshake
	require.NoError(t, err)
	defer silent.Close()

	over, err := net.Dial("tcp", string(n.addr))
	require.NoError(t, err)
	defer over.Close()
	require.NoError(t, over.SetReadDeadline(time.Now().Add(realWait)))
	_, err = over.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "closed at once, not after a handshake timeout")

	// The silent connection's handshake is still under way: finish it.
	pc := peers.DefaultConfig()
	pc.Registry = realRegistry(t)
	pc.Nonce = peers.RandomNonce()
	p, err := peers.New(context.Background(), silent, false, pc)
	require.NoError(t, err)
	defer p.Close()
	in := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.True(t, in.Inbound)
}

// TestRealNodeDefaultNonceSet: with a nil Peers.Connected, a node still
// refuses a second connection from a node it is connected to: nil means
// a set of the default size, not no check. The test dials twice with one
// nonce, from a config that keeps no set of its own.
func TestRealNodeDefaultNonceSet(t *testing.T) {
	m := newRecording(nil)
	n := startRealNode(t, m, withConfig(func(c *RealConfig) { c.Peers.Connected = nil }))
	pc := peers.DefaultConfig()
	pc.Registry = realRegistry(t)
	pc.Nonce = peers.RandomNonce()
	pc.Connected = nil
	ctx := context.Background()

	p, err := peers.Dial(ctx, string(n.addr), pc)
	require.NoError(t, err)
	defer p.Close()
	m.next(t, "connected", is[PeerConnected])
	_, err = peers.Dial(ctx, string(n.addr), pc)
	require.Error(t, err, "the node hangs up on a second connection")
	barrier(t, n)
	for _, ev := range m.drain() {
		assert.False(t, is[PeerConnected](ev), "a second connection from one node: %v", ev)
	}
}

// TestRealNodeAcceptor: a machine that is an Acceptor is asked about each
// inbound connection, with its remote address, before the handshake; one
// it refuses is closed, and it never hears of it.
func TestRealNodeAcceptor(t *testing.T) {
	tests := []struct {
		name   string
		refuse bool
	}{
		{name: "accepted"},
		{name: "refused", refuse: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &realAcceptor{recording: newRecording(nil), refuse: tt.refuse}
			n := startRealNode(t, m)
			dialer := dialsAt(n.addr)
			startRealNode(t, dialer)
			if tt.refuse {
				dialer.next(t, "dial failure", is[DialFailed])
			} else {
				in := m.next(t, "connected", is[PeerConnected]).(PeerConnected)
				asked, err := Query(context.Background(), n.RealNode, func(Machine) []Addr { return m.asked })
				require.NoError(t, err)
				assert.Equal(t, []Addr{in.Remote}, asked)
			}
			barrier(t, n)
			asked, err := Query(context.Background(), n.RealNode, func(Machine) int { return len(m.asked) })
			require.NoError(t, err)
			assert.Equal(t, 1, asked)
			for _, ev := range m.drain() {
				assert.False(t, tt.refuse && is[PeerConnected](ev), "%v", ev)
			}
		})
	}
}

// realAcceptor is a recording machine that is an Acceptor too.
type realAcceptor struct {
	*recording
	refuse bool
	asked  []Addr // on the loop: read it with Query
}

var errRealBanned = errors.New("banned")

func (m *realAcceptor) AcceptInbound(_ time.Time, remote Addr) error {
	m.asked = append(m.asked, remote)
	if m.refuse {
		return fmt.Errorf("%w: %s", errRealBanned, remote)
	}
	return nil
}

// peerTable is a machine that dials addr when it starts and keeps what
// a test asks about its connections; read it with Query.
type peerTable struct {
	addr     Addr
	live     map[PeerID]bool // inbound?
	resolved bool            // its dial connected or failed
	failures []error         // DialFailed and PeerDisconnected reasons
}

func (m *peerTable) Handle(_ time.Time, ev Event) []Action {
	switch ev := ev.(type) {
	case Start:
		return []Action{Dial{Addr: m.addr}}
	case PeerConnected:
		m.live[ev.Peer] = ev.Inbound
		m.resolved = m.resolved || !ev.Inbound
	case PeerDisconnected:
		delete(m.live, ev.Peer)
		m.failures = append(m.failures, ev.Err)
	case DialFailed:
		m.resolved = true
		m.failures = append(m.failures, ev.Err)
	}
	return nil
}

// TestRealNodeSimultaneousDials: two nodes that dial each other at once
// end with one connection between them, and the dial that lost says so:
// ErrAlreadyConnected (wrapping chapter 03's ErrDuplicateConnection when
// the handshake found it), or, for a connection that was up already,
// chapter 03 closing it as the duplicate.
func TestRealNodeSimultaneousDials(t *testing.T) {
	for i := range 5 {
		t.Run(fmt.Sprint("run ", i), func(t *testing.T) {
			lnA, lnB := listen(t), listen(t)
			a := &peerTable{addr: Addr(lnB.Addr().String()), live: map[PeerID]bool{}}
			b := &peerTable{addr: Addr(lnA.Addr().String()), live: map[PeerID]bool{}}
			nodeA := startRealNode(t, a, withListener(lnA))
			nodeB := startRealNode(t, b, withListener(lnB))
			ctx := context.Background()
			type view struct {
				live     map[PeerID]bool
				resolved bool
				failures []error
			}
			look := func(n *testNode, m *peerTable) view {
				v, err := Query(ctx, n.RealNode, func(Machine) view {
					return view{live: maps.Clone(m.live), resolved: m.resolved, failures: slices.Clone(m.failures)}
				})
				require.NoError(t, err)
				return v
			}
			var va, vb view
			require.Eventually(t, func() bool {
				va, vb = look(nodeA, a), look(nodeB, b)
				return va.resolved && vb.resolved && len(va.live) == 1 && len(vb.live) == 1 &&
					slices.Collect(maps.Values(va.live))[0] != slices.Collect(maps.Values(vb.live))[0] &&
					len(va.failures)+len(vb.failures) >= 1
			}, realWait, realPoll, "one connection, one way")
			for _, err := range append(va.failures, vb.failures...) {
				if errors.Is(err, ErrAlreadyConnected) || errors.Is(err, peers.ErrDuplicateConnection) {
					continue
				}
				// The winner's side of the losing connection hears
				// the other node hang up.
				assert.ErrorIs(t, err, peers.ErrRemoteClosed)
			}
		})
	}
}

// TestRealNodeDuplicateHandshake: a dial that reaches a node we are
// connected to already, at an address we do not know it by (here
// through a proxy), is refused by chapter 03's handshake, and comes back
// as DialFailed wrapping both ErrAlreadyConnected and the handshake's
// ErrDuplicateConnection. b dialed a first, and a's nonce is the higher,
// so by chapter 03's rule a's dial is the connection that gives way.
func TestRealNodeDuplicateHandshake(t *testing.T) {
	withNonce := func(nonce uint64) func(*nodeSetup) {
		return withConfig(func(c *RealConfig) { c.Peers.Nonce = nonce })
	}
	aM := newRecording(func(ev Event) []Action {
		if ev, ok := ev.(Local); ok {
			return []Action{Dial{Addr: ev.Value.(Addr)}}
		}
		return nil
	})
	a := startRealNode(t, aM, withNonce(2))
	bM := dialsAt(a.addr)
	b := startRealNode(t, bM, withNonce(1))
	in := aM.next(t, "connected", is[PeerConnected]).(PeerConnected)
	require.Equal(t, b.addr, in.Addr)
	proxy := newLinkProxy(t, b.addr)

	require.NoError(t, a.Inject(context.Background(), proxy.Addr()))
	failed := aM.next(t, "dial failure", is[DialFailed]).(DialFailed)
	assert.Equal(t, proxy.Addr(), failed.Addr)
	assert.ErrorIs(t, failed.Err, ErrAlreadyConnected)
	assert.ErrorIs(t, failed.Err, peers.ErrDuplicateConnection)
}
