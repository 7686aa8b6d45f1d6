package simulation

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The golden hashes below were recorded on the simulator before its
// performance work (issue 9): a faster queue, side tables and per-node
// state must not change a single byte of any run. If one of these
// fails, the simulator's behaviour changed, not just its speed.
//
// The two runs that partition the network with messages in flight
// (dials, partitions and crashes; dials on a ring) were re-recorded once
// when partition drops began to be traced in arrival order, independent
// of the heap's layout. Every hash has stayed unchanged since.
var goldenRuns = []struct {
	name string
	run  func(t *testing.T) string
	want string
}{
	{"busy run, seed 42", func(t *testing.T) string { return busyRun(t, 42) },
		"92701006748b75b1b0cd2bd9497d0e650232fae37ed72c1150ad93b7524f3bef"},
	{"busy run, seed 43", func(t *testing.T) string { return busyRun(t, 43) },
		"6ae3a57bc00a818ad467c4fb5facf210ab6715fd033b7141041f6a796f2e8c17"},
	{"dials, partitions and crashes", func(t *testing.T) string { return chaosRun(t, 7, NoLinks()) },
		"c64bc34dd9f2bc64161c98c749c96fc96ba86e37345226b1458c806c7af171b2"},
	{"dials on a ring", func(t *testing.T) string { return chaosRun(t, 8, Ring()) },
		"13f4b5ecd207fa915e58bd833312ffffd541388729a761d30024ef6695b11c51"},
	{"bandwidth, processing and a hook", func(t *testing.T) string { return costRun(t, 9) },
		"78e4794e4be7958329aed214a8908854d177b5ade6529aca146ea08d9d55e9cd"},
	{"any-to-any spread", func(t *testing.T) string {
		return spreadRun(t, SpreadConfig{Nodes: 3000, Seed: 5})
	}, "b2c485ef0c58a6ac10e38aec1a6577903121f57418d7c4cb1ea3c7dc1b58705b"},
	{"any-to-any spread, variable latency and loss", func(t *testing.T) string {
		return spreadRun(t, SpreadConfig{Nodes: 2000, Seed: 6, Fanout: 2, Loss: 0.1,
			Latency: Uniform{Min: time.Millisecond, Max: 300 * time.Millisecond}})
	}, "e5b6dda13bb2efa12c4be4d9ce4fc9c591a19622c67b5210dbadf9d458436aea"},
	{"random regular spread", func(t *testing.T) string {
		return spreadRun(t, SpreadConfig{Nodes: 1000, Seed: 4, Topology: RandomRegular(8),
			Latency: Exponential{Mean: 50 * time.Millisecond}, Round: 100 * time.Millisecond})
	}, "908dc75f55e8ceacabc333f175c435ce2da0bb8a93df05b566df03a04994c945"},
}

// TestGoldenTraces: every golden run gives, byte for byte, the trace it
// gave before the simulator's performance work.
func TestGoldenTraces(t *testing.T) {
	for _, g := range goldenRuns {
		t.Run(g.name, func(t *testing.T) {
			assert.Equal(t, g.want, g.run(t))
		})
	}
}

// logged wraps a machine so that every event it sees and every action it
// returns goes into the hash: a golden run checks what the machines
// saw, not only the network's trace.
func logged(h hash.Hash, id NodeID, m Machine) Machine {
	return machineFunc(func(now time.Time, ev Event) []Action {
		fmt.Fprintf(h, "%v n%d %v\n", now.Sub(Epoch), id, ev)
		out := m.Handle(now, ev)
		for _, a := range out {
			fmt.Fprintf(h, "  %v\n", a)
		}
		return out
	})
}

// chaos is a machine that does a bit of everything at random: it dials,
// disconnects, sends, moves and stops timers, emits, and refuses some
// inbound connections.
type chaos struct {
	id    NodeID
	nodes int
	r     *rand.Rand
	peers []PeerID
}

func (c *chaos) AcceptInbound(_ time.Time, remote Addr) error {
	if id, err := ParseSimAddr(remote, c.nodes); err == nil && (int(id)+int(c.id))%7 == 0 {
		return errors.New("not you")
	}
	return nil
}

func (c *chaos) Handle(_ time.Time, ev Event) []Action {
	switch ev := ev.(type) {
	case Start:
		return []Action{SetTimer{Timer: 1, After: time.Duration(c.r.IntN(50)) * time.Millisecond}}
	case PeerConnected:
		c.peers = append(c.peers, ev.Peer)
		return []Action{Send{To: ev.Peer, Msg: rumor(uint64(c.id))}}
	case PeerDisconnected:
		if i := slices.Index(c.peers, ev.Peer); i >= 0 {
			c.peers = slices.Delete(c.peers, i, i+1)
		}
	case MessageReceived:
		if c.r.IntN(4) == 0 {
			return []Action{Send{To: ev.From, Msg: rumor(ev.Msg.(*MsgRumor).ID + 1000)},
				SetTimer{Timer: 2, After: 30 * time.Millisecond}}
		}
	case TimerFired:
		if ev.Timer == 2 {
			return []Action{Emit{Value: c.id}}
		}
		var out []Action
		switch k := c.r.IntN(10); {
		case k < 4:
			out = append(out, Dial{Addr: SimAddr(NodeID(c.r.IntN(c.nodes)))})
		case k < 6 && len(c.peers) > 0:
			out = append(out, Disconnect{Peer: c.peers[c.r.IntN(len(c.peers))], Err: errors.New("bored")})
		case k < 9 && len(c.peers) > 0:
			p := c.peers[c.r.IntN(len(c.peers))]
			out = append(out, Send{To: p, Msg: rumor(uint64(k))}, Send{To: p + 1, Msg: rumor(2)})
		default:
			out = append(out, SetTimer{Timer: 3, After: time.Second}, StopTimer{Timer: 2})
		}
		return append(out, SetTimer{Timer: 1, After: time.Duration(20+c.r.IntN(200)) * time.Millisecond})
	}
	return nil
}

// chaosRun runs chaos machines with partitions that start and end while
// dials are on their way, crashes and restarts, and returns the hash of
// the trace, of every event and action, and of the counters.
func chaosRun(t *testing.T, seed uint64, topo Topology) string {
	t.Helper()
	h := sha256.New()
	const nodes = 60
	net, err := New(Config{Nodes: nodes, Seed: seed, Topology: topo,
		Latency: Uniform{Min: 2 * time.Millisecond, Max: 40 * time.Millisecond},
		Loss:    0.02, Trace: h, MaxEmitted: 50,
	}, func(id NodeID, r *rand.Rand) Machine {
		c := &chaos{id: id, nodes: nodes, r: r}
		return &loggedAcceptor{Machine: logged(h, id, c), c: c}
	})
	require.NoError(t, err)
	steps := []func() error{
		func() error { return net.Partition([]NodeID{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []NodeID{10, 11, 12}) },
		func() error { return net.Crash(20) },
		func() error { net.Heal(); return nil },
		func() error { return net.Crash(21) },
		func() error { return net.Restart(20) },
		func() error { return net.Partition([]NodeID{30, 31, 32, 33, 34, 35}) },
		func() error { return net.Restart(21) },
		func() error { net.Heal(); return nil },
		func() error { return net.Crash(0) },
		func() error { return net.Restart(0) },
	}
	for _, step := range steps {
		require.NoError(t, net.RunFor(137*time.Millisecond))
		require.NoError(t, step())
	}
	require.NoError(t, net.RunFor(6*time.Second)) // past the dial timeouts
	st := net.Stats()
	fmt.Fprintf(h, "%+v %+v %d %d %d %d %d %d %d %v\n", st.Sent, st.Delivered, st.Lost, st.Cut,
		st.Undeliverable, st.NoConnection, st.InFlight, st.Events, st.Emitted, net.Pending())
	fmt.Fprintf(h, "%v\n", net.Emitted())
	return fmt.Sprintf("%x", h.Sum(nil))
}

// loggedAcceptor keeps a logged chaos machine an Acceptor.
type loggedAcceptor struct {
	Machine
	c *chaos
}

func (l *loggedAcceptor) AcceptInbound(now time.Time, remote Addr) error {
	return l.c.AcceptInbound(now, remote)
}

// costRun runs push gossip with bandwidth, processing time and a hook
// that drops, delays and rewrites messages.
func costRun(t *testing.T, seed uint64) string {
	t.Helper()
	h := sha256.New()
	net, err := New(Config{Nodes: 200, Seed: seed, Topology: RandomRegular(6),
		Latency: LogNormal{Median: 30 * time.Millisecond, Sigma: 0.8},
		Loss:    0.03, Trace: h, Cost: Bandwidth(20_000),
		Processing: func(id NodeID, ev Event) time.Duration {
			if _, ok := ev.(MessageReceived); ok {
				return time.Duration(id%5) * time.Millisecond
			}
			return 0
		},
	}, func(id NodeID, r *rand.Rand) Machine {
		cfg := RumorConfig{Round: 100 * time.Millisecond, Fanout: 3, Rounds: 20}
		if id == 0 {
			cfg.Rumor = &MsgRumor{ID: 1, Body: make([]byte, 200)}
		}
		return logged(h, id, NewRumor(cfg, r))
	})
	require.NoError(t, err)
	hooked := 0
	net.SetHook(func(m *InFlight) {
		hooked++
		switch hooked % 11 {
		case 0:
			m.Drop = true
		case 3:
			m.Delay = 25 * time.Millisecond
		case 7:
			m.Msg = &MsgRumor{ID: 1, Body: []byte("short")}
		}
	})
	require.NoError(t, net.RunFor(700*time.Millisecond))
	require.NoError(t, net.Crash(3))
	require.NoError(t, net.Partition([]NodeID{10, 11, 12, 13}))
	require.NoError(t, net.RunFor(500*time.Millisecond))
	net.Heal()
	require.NoError(t, net.Restart(3))
	require.NoError(t, net.RunFor(3*time.Second))
	st := net.Stats()
	fmt.Fprintf(h, "%+v %+v %d %d %d %d %d\n", st.Sent, st.Delivered, st.Lost, st.Dropped,
		st.Cut, st.Undeliverable, st.Events)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// spreadRun hashes a Spread's trace and result.
func spreadRun(t *testing.T, cfg SpreadConfig) string {
	t.Helper()
	h := sha256.New()
	cfg.Trace = h
	res, err := Spread(cfg)
	require.NoError(t, err)
	fmt.Fprintf(h, "%d %v %v %v %+v %+v %d\n", res.Informed, res.Time, res.Rounds, res.ByRound,
		res.Stats.Sent, res.Stats.Delivered, res.Stats.Events)
	return fmt.Sprintf("%x", h.Sum(nil))
}
