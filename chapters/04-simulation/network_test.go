package simulation

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // in the error
	}{
		{name: "no nodes", cfg: Config{}, want: "Nodes 0 not in 1.."},
		{name: "too many nodes", cfg: Config{Nodes: MaxNodes + 1}, want: "Nodes 1048577"},
		{name: "negative latency", cfg: Config{Nodes: 2, Latency: Constant{D: -time.Millisecond}}, want: "Constant.D -1ms"},
		{name: "uniform upside down", cfg: Config{Nodes: 2, Latency: Uniform{Min: 2, Max: 1}}, want: "Uniform.Max 1ns is below Min 2ns"},
		{name: "long-tailed sigma", cfg: Config{Nodes: 2, Latency: LogNormal{Median: time.Millisecond, Sigma: 9}}, want: "LogNormal.Sigma 9"},
		{name: "loss over one", cfg: Config{Nodes: 2, Loss: 1.5}, want: "Loss 1.5"},
		{name: "negative queue bound", cfg: Config{Nodes: 2, MaxPending: -1}, want: "MaxPending -1"},
		{name: "odd regular graph", cfg: Config{Nodes: 5, Topology: RandomRegular(3)}, want: "n times degree must be even"},
		{name: "degree too high", cfg: Config{Nodes: 4, Topology: RandomRegular(4)}, want: "degree 4 needs more than 4 nodes"},
		{name: "ragged grid", cfg: Config{Nodes: 7, Topology: Grid(3)}, want: "grid width 3 does not divide 7"},
		{name: "complete too big", cfg: Config{Nodes: MaxCompleteNodes + 1, Topology: Complete()}, want: "AnyToAny has no limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, err := New(tt.cfg, func(NodeID, *rand.Rand) Machine { return &scripted{} })
			assert.Nil(t, net)
			assert.ErrorIs(t, err, ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestStartConnectsTheTopology: every node starts, then hears of the
// links the topology gives it, all at time zero.
func TestStartConnectsTheTopology(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 3, Topology: Line()})
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"0s n0 start",
		"0s n1 start",
		"0s n2 start",
		"0s n0 connected peer 1 (sim-1, inbound false)",
		"0s n1 connected peer 1 (sim-0, inbound true)",
		"0s n1 connected peer 2 (sim-2, inbound false)",
		"0s n2 connected peer 1 (sim-1, inbound true)",
	}, s.lines)
}

// TestLinksKeepOrder sends twenty messages over a link whose latency
// varies from message to message. Like TCP, the link delivers them in
// the order they were sent, each no sooner than its latency allows.
func TestLinksKeepOrder(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Complete(),
		Latency: Uniform{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond}})
	require.NoError(t, net.RunFor(0))
	for i := range 20 {
		require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(uint64(i))}))
	}
	require.NoError(t, net.RunFor(time.Second))

	got := received(s, 1)
	require.Len(t, got, 20)
	var last time.Duration
	for i, line := range got {
		assert.Contains(t, line, " n1 rumor "+strconv.Itoa(i)+" from peer 1")
		at, err := time.ParseDuration(line[:strings.Index(line, " ")])
		require.NoError(t, err)
		assert.GreaterOrEqual(t, at, 10*time.Millisecond)
		assert.GreaterOrEqual(t, at, last)
		last = at
	}
}

func TestLoss(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Seed: 7, Topology: Complete(), Loss: 0.3})
	require.NoError(t, net.RunFor(0))
	for i := range 1000 {
		require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(uint64(i))}))
	}
	require.NoError(t, net.RunFor(time.Second))
	st := net.Stats()
	assert.Equal(t, uint64(1000), st.Sent.Messages)
	assert.Equal(t, st.Sent.Messages, st.Delivered.Messages+st.Lost)
	assert.Len(t, received(s, 1), int(st.Delivered.Messages))
	assert.InDelta(t, 300, st.Lost, 60, "a loss of 0.3 loses about 300 of 1,000")
}

// docs:begin partition-story

// TestPartitionAndHeal is the classroom story: split the network, watch
// messages across the split vanish, heal it, watch them flow again.
func TestPartitionAndHeal(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 4, Topology: Complete(),
		Latency: Constant{D: 10 * time.Millisecond}})
	require.NoError(t, net.RunFor(0))
	require.NoError(t, net.Partition([]NodeID{0, 1}, []NodeID{2, 3}))

	require.NoError(t, net.Act(0,
		Send{To: 1, Msg: rumor(1)}, Send{To: 2, Msg: rumor(2)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Len(t, received(s, 1), 1, "same side")
	assert.Empty(t, received(s, 2), "across the partition")
	assert.Equal(t, uint64(1), net.Stats().Cut)

	// A message already on its way when a partition starts is lost too.
	net.Heal()
	require.NoError(t, net.Act(0, Send{To: 3, Msg: rumor(3)}))
	require.NoError(t, net.RunFor(5*time.Millisecond)) // halfway there
	require.NoError(t, net.Partition([]NodeID{3}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Empty(t, received(s, 3), "cut on its way")
	assert.Equal(t, uint64(2), net.Stats().Cut)

	net.Heal()
	require.NoError(t, net.Act(0, Send{To: 2, Msg: rumor(4)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Len(t, received(s, 2), 1, "healed")
}

// docs:end partition-story

func TestPartitionRejectsBadGroups(t *testing.T) {
	net, _ := newStoryNetwork(t, Config{Nodes: 3})
	tests := []struct {
		name    string
		groups  [][]NodeID
		wantErr string
	}{
		{name: "unknown node", groups: [][]NodeID{{0, 5}}, wantErr: "no such node: 5 (the network has 3)"},
		{name: "negative node", groups: [][]NodeID{{-1}}, wantErr: "no such node: -1"},
		{name: "node in two groups", groups: [][]NodeID{{0, 1}, {1, 2}}, wantErr: "node 1 is in two groups"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorContains(t, net.Partition(tt.groups...), tt.wantErr)
		})
	}
}

// TestCrashAndRestart: a crashed node's peers hear the connection close;
// messages to it are lost; its timers die with it. Restarted, it begins
// again from Start and its topology links.
func TestCrashAndRestart(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 3, Topology: Line(), Latency: Constant{D: 10 * time.Millisecond}})
	require.NoError(t, net.RunFor(time.Second))
	require.NoError(t, net.Act(1, SetTimer{Timer: 1, After: time.Second}))
	s.lines = nil

	require.NoError(t, net.Crash(1))
	assert.Nil(t, net.Machine(1))
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"1.01s n0 disconnected peer 1: peer crashed",
		"1.01s n2 disconnected peer 1: peer crashed",
	}, s.lines)
	assert.Equal(t, uint64(1), net.Stats().Undeliverable, "the rumor to the crashed node")
	assert.ErrorContains(t, net.Crash(1), "already down")

	s.lines = nil
	require.NoError(t, net.Restart(1))
	require.NoError(t, net.RunFor(2*time.Second))
	assert.Equal(t, []string{
		"2s n1 start",
		"2s n1 connected peer 1 (sim-0, inbound true)",
		"2s n1 connected peer 2 (sim-2, inbound false)",
		"2.01s n0 connected peer 2 (sim-1, inbound false)",
		"2.01s n2 connected peer 2 (sim-1, inbound true)",
	}, s.lines, "and no timer from before the crash")
	assert.ErrorContains(t, net.Restart(1), "is up")
}

// TestQuickRestart restarts a node before its neighbours have even heard
// it crashed: they must hear "disconnected" before "connected", and end
// up connected.
func TestQuickRestart(t *testing.T) {
	for _, lat := range []Latency{Constant{D: 10 * time.Millisecond}, Uniform{Min: time.Millisecond, Max: 50 * time.Millisecond}} {
		t.Run(fmt.Sprint(lat), func(t *testing.T) {
			net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(), Latency: lat})
			require.NoError(t, net.RunFor(0))
			s.lines = nil
			require.NoError(t, net.Crash(1))
			require.NoError(t, net.Restart(1))
			require.NoError(t, net.RunFor(time.Second))
			var n0 []string
			for _, l := range s.lines {
				if strings.Contains(l, " n0 ") {
					n0 = append(n0, l[strings.Index(l, " n0 ")+1:])
				}
			}
			assert.Equal(t, []string{"n0 disconnected peer 1: peer crashed", "n0 connected peer 2 (sim-1, inbound false)"}, n0)
			require.NoError(t, net.Act(1, Send{To: 1, Msg: rumor(7)}))
			require.NoError(t, net.RunFor(time.Second))
			assert.Len(t, received(s, 0), 1, "the new link works")
		})
	}
}

// TestRestartAtTimeZero: a restart at the very start still reopens every
// link of the node, lower neighbours included.
func TestRestartAtTimeZero(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 3, Topology: Line()})
	require.NoError(t, net.RunFor(0))
	require.NoError(t, net.Crash(2))
	require.NoError(t, net.Restart(2))
	s.lines = nil
	require.NoError(t, net.RunFor(time.Second))
	assert.Contains(t, s.lines, "0s n2 connected peer 1 (sim-1, inbound true)")
	assert.Contains(t, s.lines, "0s n1 connected peer 3 (sim-2, inbound false)", "a new connection, a new PeerID")
}

// TestLongRunsForgetOldLinks: with variable latency the network remembers
// each link's latest arrival, to keep order; it forgets those in the past
// rather than growing without bound.
func TestLongRunsForgetOldLinks(t *testing.T) {
	const nodes = 400 // 159,600 directed links, far past lastPruneAt
	population := make([]PeerID, nodes)
	for i := range population {
		population[i] = AnyPeer(NodeID(i))
	}
	net, err := New(Config{Nodes: nodes, Seed: 1, Latency: Uniform{Max: 10 * time.Millisecond}},
		func(id NodeID, r *rand.Rand) Machine {
			cfg := RumorConfig{Round: 100 * time.Millisecond, Fanout: 4, Population: population, Self: AnyPeer(id)}
			if id == 0 {
				cfg.Rumor = rumor(1)
			}
			return NewRumor(cfg, r)
		})
	require.NoError(t, err)
	require.NoError(t, net.RunFor(12*time.Second)) // 120 rounds of 1,600 pushes
	assert.Greater(t, net.Stats().Sent.Messages, uint64(2*lastPruneAt))
	assert.LessOrEqual(t, len(net.last), 2*lastPruneAt)
}

func TestDial(t *testing.T) {
	tests := []struct {
		name string
		addr Addr
		down bool
		want []string
	}{
		{name: "connects after a round trip", addr: "sim-2", want: []string{
			"10ms n2 connected peer 2 (sim-0, inbound true)",
			"20ms n0 connected peer 2 (sim-2, inbound false)",
		}},
		{name: "to itself", addr: "sim-0", want: []string{`0s n0 dial sim-0 failed: dial sim-0: dialed itself`}},
		{name: "already connected", addr: "sim-1", want: []string{`0s n0 dial sim-1 failed: dial sim-1: already connected`}},
		{name: "no such node", addr: "sim-9", want: []string{`0s n0 dial sim-9 failed: dial sim-9: no such node: "sim-9"`}},
		{name: "not a sim address", addr: "127.0.0.1:8333", want: []string{`0s n0 dial 127.0.0.1:8333 failed: dial 127.0.0.1:8333: no such node: "127.0.0.1:8333"`}},
		{name: "node down", addr: "sim-2", down: true, want: []string{`6s n0 dial sim-2 failed: dial sim-2: dial timed out`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, s := newStoryNetwork(t, Config{Nodes: 3, Topology: Line(), Latency: Constant{D: 10 * time.Millisecond}})
			require.NoError(t, net.RunFor(0))
			if tt.down {
				require.NoError(t, net.Crash(2))
				require.NoError(t, net.RunFor(time.Second))
			}
			s.lines = nil
			require.NoError(t, net.Act(0, Dial{Addr: tt.addr}))
			require.NoError(t, net.RunFor(10*time.Second))
			assert.Equal(t, tt.want, s.lines)
		})
	}
}

// TestDisconnect: the closing end hears at once, the far end after the
// latency, behind what was already on its way; then the link is gone.
func TestDisconnect(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(), Latency: Constant{D: 10 * time.Millisecond}})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	bye := errors.New("bye")
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}, Disconnect{Peer: 1, Err: bye}, Send{To: 1, Msg: rumor(2)}))
	require.NoError(t, net.Act(1, Send{To: 1, Msg: rumor(3)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"0s n0 disconnected peer 1: bye",
		"10ms n1 rumor 1 from peer 1",
		"10ms n1 disconnected peer 1: closed by peer: bye",
	}, s.lines)
	st := net.Stats()
	assert.Equal(t, uint64(1), st.NoConnection, "rumor 2, after the close")
	assert.Equal(t, uint64(1), st.Undeliverable, "rumor 3, into a closed socket")
}

// TestInject: a Local event reaches the node at the current time, after
// what was already due then; a crashed or unknown node refuses it.
func TestInject(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2})
	require.NoError(t, net.RunFor(time.Second))
	s.lines = nil
	require.NoError(t, net.Act(1, SetTimer{Timer: 1}))
	require.NoError(t, net.Inject(1, "mine a block"))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{"1s n1 timer 1 fired", "1s n1 local mine a block"}, s.lines)

	require.NoError(t, net.Crash(1))
	assert.ErrorContains(t, net.Inject(1, "x"), "node 1 is down")
	assert.ErrorIs(t, net.Inject(5, "x"), ErrNoSuchNode)
}

func TestTimers(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 1})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	require.NoError(t, net.Act(0,
		SetTimer{Timer: 1, After: 10 * time.Millisecond},
		SetTimer{Timer: 2, After: 5 * time.Millisecond},
		SetTimer{Timer: 1, After: 20 * time.Millisecond}, // moves timer 1
		StopTimer{Timer: 2},
		StopTimer{Timer: 3},                     // never set: nothing happens
		SetTimer{Timer: 4, After: -time.Second}, // the past means now
	))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{"0s n0 timer 4 fired", "20ms n0 timer 1 fired"}, s.lines)
}

func TestBounds(t *testing.T) {
	type rogue struct{ Action }
	tests := []struct {
		name    string
		cfg     Config
		act     []Action
		wantErr error
	}{
		{name: "event limit", cfg: Config{Nodes: 3, MaxEvents: 2}, wantErr: ErrEventLimit},
		{name: "queue bound", cfg: Config{Nodes: 1, MaxPending: 3},
			act: []Action{SetTimer{Timer: 1}, SetTimer{Timer: 2}, SetTimer{Timer: 3}, SetTimer{Timer: 4}}, wantErr: ErrQueueFull},
		{name: "unknown action", cfg: Config{Nodes: 1}, act: []Action{rogue{}}, wantErr: ErrUnknownAction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, _ := newStoryNetwork(t, tt.cfg)
			err := net.Act(0, tt.act...)
			if err == nil {
				err = net.RunFor(time.Second)
			}
			assert.ErrorIs(t, err, tt.wantErr)
			_, err = net.Step()
			assert.ErrorIs(t, err, tt.wantErr, "the network stays stopped")
		})
	}
}

func TestStatsAddUp(t *testing.T) {
	res, err := Spread(SpreadConfig{Nodes: 200, Seed: 3, Topology: RandomRegular(4), Loss: 0.1})
	require.NoError(t, err)
	st := res.Stats
	var sent, received Counter
	for _, ns := range st.ByNode {
		sent.Messages += ns.Sent.Messages
		sent.Bytes += ns.Sent.Bytes
		received.Messages += ns.Received.Messages
		received.Bytes += ns.Received.Bytes
	}
	assert.Equal(t, st.Sent, sent)
	assert.Equal(t, st.Delivered, received)
	assert.Equal(t, map[string]Counter{CmdRumor: st.Sent}, st.ByType)
	assert.Equal(t, st.Sent.Messages, st.Delivered.Messages+st.Lost+st.Dropped+st.Cut+st.Undeliverable+st.InFlight)
	assert.Positive(t, st.Lost)
	// A rumor is 24 bytes of envelope, 8 of ID, 1 of length and 5 of "hello".
	assert.Equal(t, 38*st.Sent.Messages, st.Sent.Bytes)
}
