package discovery

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/testseed"
)

// pairAddr gives nodes IP-shaped addresses, two to a /16 group: nodes
// 2k and 2k+1 share group 20+k/256.k%256.
func pairAddr(id simulation.NodeID) simulation.Addr {
	g := int(id) / 2
	return simulation.Addr(fmt.Sprintf("%d.%d.0.%d:8333", 20+g/256, g%256, int(id)%2+1))
}

// docs:begin bootstrap-test

// TestBootstrap: 100 nodes that know only 3 seeds find each other: each
// reaches its 8 outbound connections, never two in one network group,
// and together they form one connected overlay.
func TestBootstrap(t *testing.T) {
	testseed.Run(t, 3, func(t *testing.T, seed uint64) {
		w := newWorld(t, worldConfig{nodes: 100, seeds: 3, seed: seed,
			address: pairAddr})
		all := ids(0, 100)
		full := func() bool { return w.full(all, DefaultOutboundTarget) }
		ok, err := w.RunUntil(full, 5*time.Minute)
		require.NoError(t, err)
		require.True(t, ok, "not every node has its outbound target")
		t.Logf("all full after %v of virtual time", w.Elapsed())

		assert.True(t, w.connected(all), "one connected overlay")
		for _, id := range all {
			groups := map[string]bool{}
			for _, a := range w.node(id).Outbound() {
				assert.False(t, groups[Group(a)], "node %d: two outbound in %s", id, Group(a))
				groups[Group(a)] = true
			}
		}
	})
}

// docs:end bootstrap-test

// TestBootstrapFromDNSSeeds: nodes that know only a DNS seed's name
// find each other through it. The resolver is a fake one: nothing
// leaves the machine. The two nodes the name resolves to are not held
// to the target: every other node dials them, and a node does not dial
// a node that is connected to it already, so in a network this small
// they may have nobody left to dial (they have their inbound peers).
func TestBootstrapFromDNSSeeds(t *testing.T) {
	res := StaticResolver{"seed.peerchain.test": {"sim-0", "sim-1"}}
	w := newWorld(t, worldConfig{nodes: 60, seed: 1, resolver: res,
		node: func(id simulation.NodeID, cfg *NodeConfig) {
			cfg.Conn.DNSSeeds = []string{"seed.peerchain.test", "missing.peerchain.test"}
		}})
	all := ids(0, 60)
	ok, err := w.RunUntil(func() bool { return w.full(all[2:], DefaultOutboundTarget) }, 10*time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.True(t, w.connected(all))
	failed := emittedBy[SeedResolved](w, 5)
	require.Len(t, failed, 1, "the missing name is reported")
	assert.ErrorContains(t, failed[0].Err, "missing.peerchain.test")
}

// docs:begin restart-test

// TestRestartWithAnchors: a node that restarts with its saved book and
// anchors dials its anchors as it starts, has them back within a
// second, and is back to its target soon after, without asking a seed.
func TestRestartWithAnchors(t *testing.T) {
	w := newWorld(t, worldConfig{nodes: 40, seeds: 3, seed: 7})
	all := ids(0, 40)
	ok, err := w.RunUntil(func() bool { return w.full(all, DefaultOutboundTarget) }, 5*time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, w.RunFor(time.Minute))

	const victim = 20
	anchors := w.node(victim).Anchors()
	require.Len(t, anchors, DefaultAnchors)
	restartedAt := w.Now()
	w.restart(victim)
	require.NoError(t, w.RunFor(5*time.Second))

	var after []PeerUp // outbound, in the first second
	for _, e := range w.emitted {
		if up, ok := e.Value.(PeerUp); ok && e.Node == victim && up.Kind != Inbound &&
			!e.At.Before(restartedAt) && e.At.Before(restartedAt.Add(time.Second)) {
			after = append(after, up)
		}
	}
	var got []simulation.Addr
	for _, up := range after {
		got = append(got, up.Addr)
		assert.NotEqual(t, OneShot, up.Kind, "no seed needed: the book came back")
	}
	assert.Subset(t, got, anchors, "the anchors, dialed at start, are back at once")
	assert.Len(t, w.node(victim).Outbound(), DefaultOutboundTarget)
}

// docs:end restart-test

// msgJunk is a message no discovery node knows.
type msgJunk struct{}

func (*msgJunk) Command() string        { return "junk" }
func (*msgJunk) MaxPayload() uint32     { return 0 }
func (*msgJunk) Encode(io.Writer) error { return nil }
func (*msgJunk) Decode(io.Reader) error { return nil }

// spammer is an extra protocol that, on every connection, sends n
// messages of a command nobody knows.
type spammer struct{ n int }

func (s *spammer) Name() string       { return "spammer" }
func (s *spammer) Commands() []string { return []string{"junk"} }
func (s *spammer) Handle(_ time.Time, ev simulation.Event) []simulation.Action {
	c, ok := ev.(simulation.PeerConnected)
	if !ok {
		return nil
	}
	var out []simulation.Action
	for range s.n {
		out = append(out, simulation.Send{To: c.Peer, Msg: &msgJunk{}})
	}
	return out
}

// docs:begin ban-test

// TestMisbehavingPeerBanned: a node that streams unknown commands at
// its peers is banned by each of them once it passes the free allowance
// by BanThreshold messages, and is never dialed or accepted again.
func TestMisbehavingPeerBanned(t *testing.T) {
	const bad = 10
	w := newWorld(t, worldConfig{nodes: 30, seeds: 3, seed: 3,
		registry: registry(t, func() wire.Message { return &msgJunk{} }),
		node: func(id simulation.NodeID, cfg *NodeConfig) {
			if id == bad {
				cfg.Extra = []Protocol{&spammer{n: 200}}
			}
		}})
	require.NoError(t, w.RunFor(10*time.Minute))

	badAddr := w.Addr(bad)
	var banners []simulation.NodeID
	for _, e := range w.emitted {
		if b, ok := e.Value.(Banned); ok && b.Addr == badAddr {
			banners = append(banners, e.Node)
			assert.Contains(t, b.Reason, `unknown message "junk"`)
		}
	}
	require.NotEmpty(t, banners, "somebody met the spammer and banned it")
	for _, id := range banners {
		bannedAt := time.Time{}
		for _, e := range w.emitted {
			if b, ok := e.Value.(Banned); ok && e.Node == id && b.Addr == badAddr {
				bannedAt = e.At
			}
			if up, ok := e.Value.(PeerUp); ok && e.Node == id && up.Addr == badAddr && !bannedAt.IsZero() {
				t.Errorf("node %d connected to %s again at %v, after banning it", id, badAddr, e.At)
			}
		}
		assert.True(t, w.node(id).ConnManager().Table().IsBanned(w.Now(), badAddr))
	}
	good := ids(0, 30)
	good = append(good[:bad], good[bad+1:]...)
	assert.True(t, w.connected(good), "the others are still one overlay")
}

// docs:end ban-test

// flooder is an extra protocol that, once connected, sends an addr of
// 1,000 fresh addresses every 10 seconds.
type flooder struct {
	peer simulation.PeerID
	next int
	sent int
}

func (f *flooder) Name() string       { return "flooder" }
func (f *flooder) Commands() []string { return nil }
func (f *flooder) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	switch e := ev.(type) {
	case simulation.PeerConnected:
		if e.Inbound || f.peer != 0 {
			return nil
		}
		f.peer = e.Peer
	case simulation.TimerFired:
	default:
		return nil
	}
	msg := &MsgAddr{}
	for range MaxAddrPerMsg {
		f.next++
		ap, _ := ToWire(simulation.Addr(fmt.Sprintf("6.%d.%d.%d:8333", f.next>>16&0xff, f.next>>8&0xff, f.next&0xff)))
		msg.Addrs = append(msg.Addrs, AddrEntry{Time: toUnix(now), NetAddress: wireAddr(ap)})
	}
	f.sent += len(msg.Addrs)
	return []simulation.Action{simulation.Send{To: f.peer, Msg: msg},
		simulation.SetTimer{Timer: 1, After: 10 * time.Second}}
}

// docs:begin flood-test

// TestAddrFlood: a peer that dials a node and sends it 1,000 addresses
// every 10 seconds gets one address in, then 0.1 a second: the victim's
// book grows by what the token bucket allows, whatever is sent.
func TestAddrFlood(t *testing.T) {
	const victim, attacker = 0, 1
	fl := &flooder{}
	w := newWorld(t, worldConfig{nodes: 2, seed: 1,
		node: func(id simulation.NodeID, cfg *NodeConfig) {
			cfg.Conn.Seeds = nil
			if id == attacker {
				cfg.Conn.Anchors = []simulation.Addr{simulation.SimAddr(victim)}
				cfg.Extra = []Protocol{fl}
			}
		}})
	const d = 10 * time.Minute
	require.NoError(t, w.RunFor(d))
	require.Greater(t, fl.sent, 50*MaxAddrPerMsg)

	book := w.node(victim).Book()
	allowed := 1 + int(AddrRate*d.Seconds())
	assert.LessOrEqual(t, book.Len(), allowed+1, "sent %d, kept %d", fl.sent, book.Len())
	assert.GreaterOrEqual(t, book.Len(), allowed/2, "but some got in: the bucket refills")
	p := w.node(victim).Peers()
	require.Len(t, p, 1)
	assert.Greater(t, p[0].Score, 0, "flooding with an empty bucket costs points")
	assert.Contains(t, p[0].Reasons[len(p[0].Reasons)-1], "addr flood")
}

// docs:end flood-test

// TestDeterministic: the same seed, the same run.
func TestDeterministic(t *testing.T) {
	run := func(seed uint64) string {
		w := newWorld(t, worldConfig{nodes: 30, seeds: 2, seed: seed})
		require.NoError(t, w.RunFor(2*time.Minute))
		out := ""
		for _, id := range ids(0, 30) {
			out += fmt.Sprintln(id, w.node(id).Outbound(), w.node(id).BookSummary())
		}
		return out
	}
	assert.Equal(t, run(4), run(4))
	assert.NotEqual(t, run(4), run(5))
}

var _ = rand.New
