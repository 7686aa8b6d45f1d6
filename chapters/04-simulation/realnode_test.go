package simulation

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// realWait bounds every wait on real nodes; they take milliseconds.
const realWait = 10 * time.Second

// dialFirst is a machine that dials addrs when it starts and is m
// otherwise: how a test points real nodes at each other.
type dialFirst struct {
	m     Machine
	addrs []Addr
}

func (d dialFirst) Handle(now time.Time, ev Event) []Action {
	actions := d.m.Handle(now, ev)
	if _, ok := ev.(Start); ok {
		for _, a := range d.addrs {
			actions = append(actions, Dial{Addr: a})
		}
	}
	return actions
}

// startReal runs machine m as a real node on 127.0.0.1:0 until the test
// ends, and returns its address.
func startReal(t *testing.T, m Machine) Addr {
	t.Helper()
	return startRealNode(t, m).addr
}

// recording is a machine for real-node tests: it reports every event on
// a channel and does what react says.
type recording struct {
	events  chan Event
	react   func(ev Event) []Action
	backlog []Event // events received while waiting for others
}

func newRecording(react func(Event) []Action) *recording {
	return &recording{events: make(chan Event, 100), react: react}
}

func (m *recording) Handle(_ time.Time, ev Event) []Action {
	m.events <- ev
	if m.react == nil {
		return nil
	}
	return m.react(ev)
}

// next returns the first event, in the order they came, that satisfies
// match, waiting for it if need be.
func (m *recording) next(t *testing.T, what string, match func(Event) bool) Event {
	t.Helper()
	for i, ev := range m.backlog {
		if match(ev) {
			m.backlog = append(m.backlog[:i], m.backlog[i+1:]...)
			return ev
		}
	}
	deadline := time.After(realWait)
	for {
		select {
		case ev := <-m.events:
			if match(ev) {
				return ev
			}
			m.backlog = append(m.backlog, ev)
		case <-deadline:
			t.Fatalf("no %s within %v", what, realWait)
			return nil
		}
	}
}

func is[E Event](ev Event) bool {
	_, ok := ev.(E)
	return ok
}

// TestRealNodeTimers: a timer fires once; a moved timer fires at its new
// setting only; a stopped timer never fires. The node's clock is a fake
// that the test moves by hand, so what fires when does not hang on how a
// busy machine schedules goroutines; a leaky fake also fires every timer
// a second time, stopped or not, as a Go timer whose Stop came too late
// does, which the driver must ignore.
func TestRealNodeTimers(t *testing.T) {
	settings := []Action{
		SetTimer{Timer: 1, After: time.Hour},
		SetTimer{Timer: 1, After: 10 * time.Millisecond}, // moved sooner
		SetTimer{Timer: 2, After: 5 * time.Millisecond},
		StopTimer{Timer: 2},
		SetTimer{Timer: 3, After: 30 * time.Millisecond},
		SetTimer{Timer: 4, After: 5 * time.Millisecond},
		SetTimer{Timer: 4, After: 50 * time.Millisecond}, // moved later
		StopTimer{Timer: 5},                              // never set
	}
	steps := []struct {
		to   time.Duration
		want []TimerID
	}{
		{to: 4 * time.Millisecond},
		{to: 5 * time.Millisecond}, // 2 was stopped, 4 moved
		{to: 10 * time.Millisecond, want: []TimerID{1}},
		{to: 30 * time.Millisecond, want: []TimerID{3}},
		{to: 50 * time.Millisecond, want: []TimerID{4}},
		{to: 2 * time.Hour}, // 1's first setting
	}
	for _, leaky := range []bool{false, true} {
		name := map[bool]string{false: "stops in time", true: "stops too late"}[leaky]
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock(leaky)
			m := newRecording(func(ev Event) []Action {
				if is[Start](ev) {
					return settings
				}
				return nil
			})
			n := startRealNode(t, m, withClock(clock))
			barrier(t, n) // Start's timers are set
			for _, step := range steps {
				clock.advance(step.to)
				barrier(t, n) // every firing so far has been handled
				var fired []TimerID
				for _, ev := range m.drain() {
					if ev, ok := ev.(TimerFired); ok {
						fired = append(fired, ev.Timer)
					}
				}
				assert.Equal(t, step.want, fired, "at %v", step.to)
			}
		})
	}

	t.Run("on the wall clock", func(t *testing.T) {
		m := newRecording(func(ev Event) []Action {
			if is[Start](ev) {
				return []Action{
					SetTimer{Timer: 2, After: time.Millisecond},
					StopTimer{Timer: 2},
					SetTimer{Timer: 1, After: time.Hour},
					SetTimer{Timer: 1, After: time.Millisecond},
				}
			}
			return nil
		})
		startReal(t, m)
		ev := m.next(t, "timer", is[TimerFired]).(TimerFired)
		assert.Equal(t, TimerID(1), ev.Timer)
	})
}

// TestRealNodeConnections: a dial comes back as PeerConnected at both
// ends, with the address each listens on; a message flows; a Disconnect
// closes both ends, each with its reason; a dial to a port nobody listens
// on comes back as DialFailed.
func TestRealNodeConnections(t *testing.T) {
	bye := errors.New("bye")
	// The server hangs up on whoever sends it something.
	serverM := newRecording(func(ev Event) []Action {
		if ev, ok := ev.(MessageReceived); ok {
			return []Action{Disconnect{Peer: ev.From, Err: bye}}
		}
		return nil
	})
	serverAddr := startReal(t, serverM)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := Addr(ln.Addr().String())
	require.NoError(t, ln.Close())

	clientM := newRecording(func(ev Event) []Action {
		switch ev := ev.(type) {
		case Start:
			return []Action{Dial{Addr: serverAddr}, Dial{Addr: closedAddr}}
		case PeerConnected:
			return []Action{Send{To: ev.Peer, Msg: &MsgRumor{ID: 7}}}
		}
		return nil
	})
	clientAddr := startReal(t, clientM)

	up := clientM.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.Equal(t, serverAddr, up.Addr)
	assert.False(t, up.Inbound)
	in := serverM.next(t, "connected", is[PeerConnected]).(PeerConnected)
	assert.Equal(t, clientAddr, in.Addr, "where it listens, not its ephemeral port")
	assert.True(t, in.Inbound)
	assert.Equal(t, serverAddr, up.Remote)
	assert.NotEqual(t, clientAddr, in.Remote, "the connection's far end is the dial's own port")
	assert.Equal(t, "127.0.0.1", netip.MustParseAddrPort(string(in.Remote)).Addr().String())
	for _, tt := range []struct {
		ev     PeerConnected
		seenAs Addr // where the peer saw us
	}{{ev: up, seenAs: in.Remote}, {ev: in, seenAs: serverAddr}} {
		assert.Equal(t, PeerVersion{ProtocolVersion: wire.ProtocolVersion,
			UserAgent: peers.DefaultUserAgent, Relay: true, SeenAs: tt.seenAs}, tt.ev.Version)
	}

	msg := serverM.next(t, "message", is[MessageReceived]).(MessageReceived)
	assert.Equal(t, in.Peer, msg.From)
	assert.Equal(t, uint64(7), msg.Msg.(*MsgRumor).ID)
	hungUp := serverM.next(t, "disconnected", is[PeerDisconnected]).(PeerDisconnected)
	assert.Equal(t, in.Peer, hungUp.Peer)
	assert.ErrorIs(t, hungUp.Err, bye)

	gone := clientM.next(t, "disconnected", is[PeerDisconnected]).(PeerDisconnected)
	assert.Equal(t, up.Peer, gone.Peer)
	assert.ErrorIs(t, gone.Err, peers.ErrRemoteClosed)

	failed := clientM.next(t, "dial failure", is[DialFailed]).(DialFailed)
	assert.Equal(t, closedAddr, failed.Addr)
}

// TestRealNodeInject: a value injected from another goroutine reaches the
// machine as a Local event; after the node stops, Inject says so.
func TestRealNodeInject(t *testing.T) {
	m := newRecording(nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	pc := peers.DefaultConfig()
	pc.Nonce = peers.RandomNonce()
	node, err := NewRealNode(RealConfig{Peers: pc}, m)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- node.Run(ctx, ln) }()

	require.NoError(t, node.Inject(context.Background(), "tx 42"))
	got := m.next(t, "local", is[Local]).(Local)
	assert.Equal(t, "tx 42", got.Value)

	cancel()
	require.NoError(t, <-done)
	assert.ErrorIs(t, node.Inject(context.Background(), "late"), ErrStopped)
}

func TestNewRealNodeRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  RealConfig
		want string
	}{
		{name: "no registry", cfg: RealConfig{InboxSize: 1}, want: "Peers.Registry is nil"},
		{name: "negative inbox", cfg: RealConfig{Peers: peers.DefaultConfig(), InboxSize: -1}, want: "InboxSize -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRealNode(tt.cfg, newRecording(nil))
			assert.ErrorIs(t, err, ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
