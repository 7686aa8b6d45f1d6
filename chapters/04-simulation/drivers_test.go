package simulation

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	peers "peerchain/chapters/03-peers"
)

// docs:begin real-and-simulated

// TestRealAndSimulated runs the same machines through the same story on
// both drivers, a simulated network and real nodes on loopback TCP, and
// checks that both end the same way.
func TestRealAndSimulated(t *testing.T) {
	scenarios := []struct {
		name string
		sim  func(t *testing.T) string              // returns the outcome
		real func(t *testing.T, want string) string // waits for want, returns the outcome
	}{
		{"a rumor reaches all five nodes", rumorSim, rumorReal},
		{"two nodes dial each other at once", dialRaceSim, dialRaceReal},
		{"the target crashes during a dial", crashDialSim, crashDialReal},
		{"a partition during a send", partitionSim, partitionReal},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			sim := sc.sim(t)
			require.NotEmpty(t, sim)
			assert.Equal(t, sim, sc.real(t, sim), "real against simulated")
		})
	}
}

// docs:end real-and-simulated

// watcher is the machine of the scenarios: it dials what it is told to
// when it starts, sends a rumor to every peer when it is handed its ID
// (a Local), and keeps count of what happens to it.
type watcher struct {
	dial   []Addr
	peers  map[PeerID]bool // open connections: inbound?
	lost   int             // dials that ended in no connection of ours
	rumors []uint64        // rumors received, in order
}

func newWatcher(dial ...Addr) *watcher {
	return &watcher{dial: dial, peers: make(map[PeerID]bool)}
}

func (w *watcher) Handle(_ time.Time, ev Event) []Action {
	switch ev := ev.(type) {
	case Start:
		var dials []Action
		for _, a := range w.dial {
			dials = append(dials, Dial{Addr: a})
		}
		return dials
	case PeerConnected:
		w.peers[ev.Peer] = ev.Inbound
	case PeerDisconnected:
		inbound, ok := w.peers[ev.Peer]
		delete(w.peers, ev.Peer)
		// The real driver may open the loser of two crossing dials
		// before it knows it lost: that is a lost dial too.
		if ok && !inbound && errors.Is(ev.Err, peers.ErrDuplicateConnection) {
			w.lost++
		}
	case DialFailed:
		w.lost++
	case MessageReceived:
		if r, ok := ev.Msg.(*MsgRumor); ok {
			w.rumors = append(w.rumors, r.ID)
		}
	case Local:
		var sends []Action
		for _, p := range sortedKeys(w.peers) {
			sends = append(sends, Send{To: p, Msg: rumor(ev.Value.(uint64))})
		}
		return sends
	}
	return nil
}

// outcome says what a watcher ended with, in words both drivers share.
func (w *watcher) outcome() string {
	var ways []string
	for _, in := range w.peers {
		ways = append(ways, map[bool]string{true: "in", false: "out"}[in])
	}
	slices.Sort(ways)
	return fmt.Sprintf("connections %v, dials lost %d, rumors %v", ways, w.lost, w.rumors)
}

// outcomes joins the outcomes of several watchers.
func outcomes(ws ...*watcher) string {
	var s string
	for i, w := range ws {
		s += fmt.Sprintf("node %d: %s\n", i, w.outcome())
	}
	return s
}

// simWatchers runs watchers in a simulated network.
func simWatchers(t *testing.T, cfg Config, ws ...*watcher) *Network {
	t.Helper()
	cfg.Nodes = len(ws)
	net, err := New(cfg, func(id NodeID, _ *rand.Rand) Machine { return ws[id] })
	require.NoError(t, err)
	return net
}

// realOutcome waits until real watchers reach want, and returns what
// they reached: want, or where they stood when the wait ran out.
func realOutcome(t *testing.T, want string, nodes []*testNode, ws ...*watcher) string {
	t.Helper()
	var got string
	poll := time.NewTicker(realPoll)
	defer poll.Stop()
	for deadline := time.Now().Add(realWait); time.Now().Before(deadline); <-poll.C {
		got = ""
		for i, n := range nodes {
			s, err := Query(context.Background(), n.RealNode, func(Machine) string { return ws[i].outcome() })
			require.NoError(t, err)
			got += fmt.Sprintf("node %d: %s\n", i, s)
		}
		if got == want {
			break
		}
	}
	return got
}

func withNonce(nonce uint64) func(*nodeSetup) {
	return withConfig(func(c *RealConfig) { c.Peers.Nonce = nonce })
}

// Two nodes that dial each other at once: the dial of the lower nonce
// wins on both drivers (the simulator's nonces are the node numbers).
func dialRaceSim(t *testing.T) string {
	a, b := newWatcher("sim-1"), newWatcher("sim-0")
	net := simWatchers(t, Config{Topology: NoLinks(), Latency: Constant{D: 10 * time.Millisecond}}, a, b)
	require.NoError(t, net.RunFor(time.Minute))
	return outcomes(a, b)
}

func dialRaceReal(t *testing.T, want string) string {
	lnA, lnB := listen(t), listen(t)
	a, b := newWatcher(Addr(lnB.Addr().String())), newWatcher(Addr(lnA.Addr().String()))
	nodes := []*testNode{
		startRealNode(t, a, withListener(lnA), withNonce(1)),
		startRealNode(t, b, withListener(lnB), withNonce(2)),
	}
	return realOutcome(t, want, nodes, a, b)
}

// A dial whose target crashes before it answers fails: no connection to
// nobody is left behind.
func crashDialSim(t *testing.T) string {
	a, b := newWatcher("sim-1"), newWatcher()
	net := simWatchers(t, Config{Topology: NoLinks(), Latency: Constant{D: 10 * time.Millisecond}}, a, b)
	require.NoError(t, net.RunFor(5*time.Millisecond)) // the dial is on its way
	require.NoError(t, net.Crash(1))
	require.NoError(t, net.RunFor(time.Minute))
	return outcomes(a)
}

func crashDialReal(t *testing.T, want string) string {
	target := startRealNode(t, newWatcher())
	proxy := newLinkProxy(t, target.addr)
	proxy.Hold()
	a := newWatcher(proxy.Addr())
	dialer := startRealNode(t, a)
	require.Eventually(t, func() bool { return proxy.Arrived() == 1 }, realWait, realPoll)
	require.NoError(t, target.stop()) // the dial is on its way
	proxy.Release()
	return realOutcome(t, want, []*testNode{dialer}, a)
}

// A message sent while a partition cuts the link is lost; the
// connection stays open, and what is sent after the heal arrives.
func partitionSim(t *testing.T) string {
	a, b := newWatcher("sim-1"), newWatcher()
	net := simWatchers(t, Config{Topology: NoLinks(), Latency: Constant{D: 10 * time.Millisecond}}, a, b)
	require.NoError(t, net.RunFor(time.Second))
	require.NoError(t, net.Inject(0, uint64(1)))
	require.NoError(t, net.RunFor(time.Second))
	require.NoError(t, net.Inject(0, uint64(2)))
	require.NoError(t, net.RunFor(5*time.Millisecond)) // rumor 2 is on its way
	require.NoError(t, net.Partition([]NodeID{0}, []NodeID{1}))
	require.NoError(t, net.RunFor(time.Second))
	net.Heal()
	require.NoError(t, net.Inject(0, uint64(3)))
	require.NoError(t, net.RunFor(time.Second))
	return outcomes(a, b)
}

func partitionReal(t *testing.T, want string) string {
	b := newWatcher()
	to := startRealNode(t, b)
	proxy := newLinkProxy(t, to.addr)
	a := newWatcher(proxy.Addr())
	from := startRealNode(t, a)
	nodes := []*testNode{from, to}
	ctx := context.Background()
	realOutcome(t, "node 0: connections [out], dials lost 0, rumors []\n"+
		"node 1: connections [in], dials lost 0, rumors []\n", nodes, a, b)
	require.NoError(t, from.Inject(ctx, uint64(1)))
	realOutcome(t, "node 0: connections [out], dials lost 0, rumors []\n"+
		"node 1: connections [in], dials lost 0, rumors [1]\n", nodes, a, b)
	proxy.Cut(true)
	require.NoError(t, from.Inject(ctx, uint64(2)))
	require.Eventually(t, func() bool { return proxy.Dropped(CmdRumor) == 1 }, realWait, realPoll)
	proxy.Cut(false)
	require.NoError(t, from.Inject(ctx, uint64(3)))
	return realOutcome(t, want, nodes, a, b)
}

// The Rumor machine on five nodes, each dialing the ones before it.
func rumorSim(t *testing.T) string {
	const nodes = 5
	informed := 0
	net, err := New(Config{Nodes: nodes, Seed: 1, Topology: Complete(),
		Latency: Constant{D: time.Millisecond}},
		func(id NodeID, r *rand.Rand) Machine {
			return rumorMachine(id == 0, func(time.Time) { informed++ }, r)
		})
	require.NoError(t, err)
	_, err = net.RunUntil(func() bool { return informed == nodes }, time.Minute)
	require.NoError(t, err)
	return fmt.Sprintf("%d of %d informed", informed, nodes)
}

func rumorReal(t *testing.T, _ string) string {
	const nodes = 5
	informed := make(chan int, nodes)
	var addrs []Addr
	for i := range nodes {
		r := rand.New(rand.NewPCG(1, uint64(i)))
		told := func(time.Time) { informed <- i }
		m := dialFirst{m: rumorMachine(i == 0, told, r), addrs: addrs}
		addrs = append(addrs, startReal(t, m))
	}
	seen := map[int]bool{}
	deadline := time.After(realWait)
	for len(seen) < nodes {
		select {
		case i := <-informed:
			seen[i] = true
		case <-deadline:
			return fmt.Sprintf("%d of %d informed", len(seen), nodes)
		}
	}
	return fmt.Sprintf("%d of %d informed", len(seen), nodes)
}

// rumorMachine is push gossip in 20 ms rounds; the origin knows the rumor.
func rumorMachine(origin bool, informed func(time.Time), r *rand.Rand) *Rumor {
	cfg := RumorConfig{Round: 20 * time.Millisecond, Fanout: 1, OnInformed: informed}
	if origin {
		cfg.Rumor = &MsgRumor{ID: 1, Body: []byte("hello")}
	}
	return NewRumor(cfg, r)
}
