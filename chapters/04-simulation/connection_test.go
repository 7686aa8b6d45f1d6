package simulation

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testseed"
)

const hop = 10 * time.Millisecond // the latency of the connection stories

// TestNoLinks: nodes start alone and connect only by dialing; the target
// hears of the connection one hop after the dial, the dialer when the
// answer is back.
func TestNoLinks(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: NoLinks(),
		Latency: Constant{D: hop}})
	require.NoError(t, net.RunFor(0))
	assert.Equal(t, []string{"0s n0 start", "0s n1 start"}, s.lines, "no links")
	s.lines = nil
	require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"10ms n1 connected peer 1 (sim-0, inbound true)",
		"20ms n0 connected peer 1 (sim-1, inbound false)",
	}, s.lines)
	assert.Equal(t, []string{"0->1", "1<-0"}, net.connections())
}

// TestNoDuplicateConnections: a second dial to a node a node is
// connected to, or already dialing, fails at once, as the real driver's.
func TestNoDuplicateConnections(t *testing.T) {
	tests := []struct {
		name  string
		first time.Duration // how long the first dial runs before the second
	}{
		{name: "while the first dial is on its way", first: hop / 2},
		{name: "once connected", first: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: NoLinks(),
				Latency: Constant{D: hop}})
			require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
			require.NoError(t, net.RunFor(tt.first))
			s.lines = nil
			require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
			require.NoError(t, net.RunFor(time.Second))
			require.NotEmpty(t, s.lines)
			assert.Contains(t, s.lines[0], "n0 dial sim-1 failed: dial sim-1: already connected")
			assert.Equal(t, []string{"0->1", "1<-0"}, net.connections(), "one connection")
		})
	}
}

// docs:begin simultaneous-dial

// TestSimultaneousDial: two nodes that dial each other at the same
// moment end with one connection, the one the lower nonce dialed (in
// the simulator, the lower NodeID); the other dialer hears DialFailed.
// Latencies vary, so the two dials cross at many different moments.
func TestSimultaneousDial(t *testing.T) {
	testseed.Run(t, 50, func(t *testing.T, seed uint64) {
		net, s := newStoryNetwork(t, Config{Nodes: 2, Seed: seed,
			Topology: NoLinks(), Latency: Uniform{Min: time.Millisecond,
				Max: 30 * time.Millisecond}})
		require.NoError(t, net.RunFor(0))
		require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
		require.NoError(t, net.Act(1, Dial{Addr: SimAddr(0)}))
		require.NoError(t, net.RunFor(time.Minute))
		assert.Equal(t, []string{"0->1", "1<-0"}, net.connections())
		assert.Contains(t, s.String(), "n1 dial sim-0 failed")
		assert.NotContains(t, s.String(), "n0 dial sim-1 failed")
		assert.NotContains(t, s.String(), "disconnected",
			"the loser is never announced")
	})
}

// docs:end simultaneous-dial

// TestDialInterrupted: a crash or a partition while a dial is on its way
// gives the dialer DialFailed, never a connection to nobody.
func TestDialInterrupted(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration // into the dial
		fault func(*Network) error
		want  string
	}{
		{name: "target crashes before the dial arrives", after: hop / 2,
			fault: func(n *Network) error { return n.Crash(1) },
			want:  "5s n0 dial sim-1 failed: dial sim-1: dial timed out"},
		{name: "target crashes before its answer arrives", after: hop * 3 / 2,
			fault: func(n *Network) error { return n.Crash(1) },
			want:  "20ms n0 dial sim-1 failed: dial sim-1: peer crashed"},
		{name: "partition before the dial arrives", after: hop / 2,
			fault: func(n *Network) error { return n.Partition([]NodeID{1}) },
			want:  "5s n0 dial sim-1 failed: dial sim-1: dial timed out"},
		{name: "partition before the answer arrives", after: hop * 3 / 2,
			fault: func(n *Network) error { return n.Partition([]NodeID{1}) },
			want:  "5s n0 dial sim-1 failed: dial sim-1: dial timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: NoLinks(),
				Latency: Constant{D: hop}})
			require.NoError(t, net.RunFor(0))
			require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
			require.NoError(t, net.RunFor(tt.after))
			require.NoError(t, tt.fault(net))
			require.NoError(t, net.RunFor(time.Minute))
			assert.Contains(t, s.lines, tt.want)
			assert.NotContains(t, s.String(), "n0 connected")
			assert.Empty(t, net.nodes[0].links, "the dialer holds nothing")
		})
	}
}

// TestPeerIDsAreConnectionScoped: every connection gets a new PeerID,
// from 1, so a peer that reconnects is a new peer to a machine.
func TestPeerIDsAreConnectionScoped(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: NoLinks(),
		Latency: Constant{D: hop}})
	for range 3 {
		require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
		require.NoError(t, net.RunFor(time.Second))
		require.NoError(t, net.Act(0, Disconnect{Peer: net.peerID(0, 1)}))
		require.NoError(t, net.RunFor(time.Second))
	}
	var n0 []string
	for _, l := range s.lines {
		if strings.Contains(l, " n0 connected") {
			n0 = append(n0, l)
		}
	}
	assert.Equal(t, []string{
		"20ms n0 connected peer 1 (sim-1, inbound false)",
		"2.02s n0 connected peer 2 (sim-1, inbound false)",
		"4.02s n0 connected peer 3 (sim-1, inbound false)",
	}, n0)
}

// gatekeeper is a machine that refuses inbound connections from the
// addresses it has banned.
type gatekeeper struct {
	scripted
	banned map[Addr]bool
}

func (g *gatekeeper) AcceptInbound(_ time.Time, remote Addr) error {
	if g.banned[remote] {
		return errors.New("banned")
	}
	return nil
}

// TestAcceptor: a machine that is an Acceptor refuses a connection
// before it hears of it; the dialer hears why.
func TestAcceptor(t *testing.T) {
	s := &story{}
	net, err := New(Config{Nodes: 3, Topology: NoLinks(), Latency: Constant{D: hop}},
		func(id NodeID, _ *rand.Rand) Machine {
			return &gatekeeper{scripted: scripted{id: id, story: s},
				banned: map[Addr]bool{SimAddr(2): true}}
		})
	require.NoError(t, err)
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	require.NoError(t, net.Act(1, Dial{Addr: SimAddr(0)}))
	require.NoError(t, net.Act(2, Dial{Addr: SimAddr(0)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"10ms n0 connected peer 1 (sim-1, inbound true)",
		"20ms n1 connected peer 1 (sim-0, inbound false)",
		"20ms n2 dial sim-0 failed: dial sim-0: connection refused: banned",
	}, s.lines)
}

// TestReset: a message that reaches an end that has closed (its close
// was lost to a partition) is answered with a reset, so the sender does
// not hold a connection to nobody.
func TestReset(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(),
		Latency: Constant{D: hop}})
	require.NoError(t, net.RunFor(0))
	require.NoError(t, net.Partition([]NodeID{1}))
	require.NoError(t, net.Act(1, Disconnect{Peer: 1, Err: errors.New("bye")}))
	require.NoError(t, net.RunFor(time.Second))
	net.Heal()
	s.lines = nil
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{"1.02s n0 disconnected peer 1: connection reset"}, s.lines)
	assert.Empty(t, net.connections())
}

// TestTimerMovesStayBounded: moving a timer, as an inactivity timer is
// moved on every message, leaves the dead settings out of the queue.
func TestTimerMovesStayBounded(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 1})
	require.NoError(t, net.RunFor(0))
	for i := range 100_000 {
		require.NoError(t, net.Act(0, SetTimer{Timer: 1, After: time.Duration(i+1) * time.Millisecond},
			SetTimer{Timer: TimerID(2 + i%2), After: time.Hour}, StopTimer{Timer: TimerID(2 + i%2)}))
		require.LessOrEqual(t, net.Pending(), 2*compactAt+4, "after %d moves", i)
	}
	s.lines = nil
	require.NoError(t, net.RunFor(200*time.Second))
	assert.Equal(t, []string{"1m40s n0 timer 1 fired"}, s.lines, "only its last setting")
	assert.Less(t, net.Pending(), compactAt, "what is left is dead and waits for a sweep")
}

// TestPeerConnectedSaysWhoItIs: a connection's PeerConnected carries the
// far node's version, as it advertised it with Advertise.
func TestPeerConnectedSaysWhoItIs(t *testing.T) {
	var got []PeerConnected
	net, err := New(Config{Nodes: 2, Topology: NoLinks()}, func(id NodeID, _ *rand.Rand) Machine {
		return machineFunc(func(_ time.Time, ev Event) []Action {
			if pc, ok := ev.(PeerConnected); ok && id == 0 {
				got = append(got, pc)
			}
			return nil
		})
	})
	require.NoError(t, err)
	require.NoError(t, net.Act(1, Advertise{Services: 1, StartHeight: 42}))
	require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
	require.NoError(t, net.RunFor(time.Second))
	require.Len(t, got, 1)
	assert.Equal(t, PeerConnected{Peer: 1, Addr: "sim-1", Remote: "sim-1",
		Version: PeerVersion{ProtocolVersion: got[0].Version.ProtocolVersion,
			Services: 1, StartHeight: 42, UserAgent: SimUserAgent, Relay: true,
			SeenAs: "sim-0"}}, got[0])
	assert.NotZero(t, got[0].Version.ProtocolVersion)
}

// machineFunc makes a function a Machine.
type machineFunc func(now time.Time, ev Event) []Action

func (f machineFunc) Handle(now time.Time, ev Event) []Action { return f(now, ev) }

// TestRestartWith: a restarted node's builder is told its incarnation,
// so a node can be handed back what it persisted.
func TestRestartWith(t *testing.T) {
	net, _ := newStoryNetwork(t, Config{Nodes: 1})
	var lives []int
	for range 3 {
		require.NoError(t, net.Crash(0))
		require.NoError(t, net.RestartWith(0, func(id NodeID, life int, _ *rand.Rand) Machine {
			lives = append(lives, life)
			return &scripted{id: id, story: &story{}}
		}))
	}
	assert.Equal(t, []int{1, 2, 3}, lives)
	assert.ErrorContains(t, net.RestartWith(0, nil), "node 0 is up")
}

func ExampleAnyPeer() {
	fmt.Println(AnyPeer(0), AnyPeer(41))
	// Output: 1 42
}

// TestAddresses: with Config.Address, nodes listen where it says, and
// dials go there.
func TestAddresses(t *testing.T) {
	addr := func(id NodeID) Addr { return Addr(fmt.Sprintf("203.0.113.%d:8333", id+1)) }
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: NoLinks(), Address: addr})
	require.NoError(t, net.Act(0, Dial{Addr: "203.0.113.2:8333"}))
	require.NoError(t, net.Act(0, Dial{Addr: SimAddr(1)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Contains(t, s.lines, "0s n1 connected peer 1 (203.0.113.1:8333, inbound true)")
	assert.Contains(t, s.lines, `0s n0 dial sim-1 failed: dial sim-1: no such node: "sim-1"`)
	assert.Equal(t, Addr("203.0.113.2:8333"), net.Addr(1))

	_, err := New(Config{Nodes: 2, Address: func(NodeID) Addr { return "same" }},
		func(NodeID, *rand.Rand) Machine { return &scripted{} })
	assert.ErrorContains(t, err, `nodes 0 and 1 both listen on "same"`)
}
