package broadcast

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/testseed"
)

// world is a simulated network of discovery nodes running the
// broadcast protocol, for scenario tests.
type world struct {
	*simulation.Network
	t      *testing.T
	protos []*Protocol // each node's protocol, this incarnation
	// delivered is every Delivered, as (node, item, when).
	delivered []delivery
	bans      map[simulation.NodeID][]discovery.Banned
	// scored is every point an honest node gave a peer.
	scored []string
}

type delivery struct {
	node simulation.NodeID
	id   ID
	at   time.Duration
}

// worldConfig sets a world up: how many nodes (the first three are
// every node's seeds), the seed, and each honest node's config.
type worldConfig struct {
	nodes int
	seed  uint64
	cfg   Config
	// liar are nodes that, instead of the protocol, send each peer an
	// item that fails its check as soon as they connect.
	liar  map[simulation.NodeID]bool
	loss  float64   // the chance each message is lost
	trace io.Writer // if set, gets the simulator's trace of the run
}

// tally passes points on to the peer table, noting them.
type tally struct {
	table *discovery.PeerTable
	w     *world
	node  simulation.NodeID
}

func (s tally) Misbehaving(now time.Time, peer simulation.PeerID, points int, reason string) []simulation.Action {
	info, _ := s.table.Get(peer)
	s.w.scored = append(s.w.scored, fmt.Sprintf("%v: node %d scored %s +%d: %s",
		now.Sub(simulation.Epoch), s.node, info.Addr, points, reason))
	return s.table.Misbehaving(now, peer, points, reason)
}

// liar is a protocol that sends an invalid item to every peer.
type liar struct{}

func (liar) Name() string       { return "liar" }
func (liar) Commands() []string { return nil }
func (liar) Handle(_ time.Time, ev simulation.Event) []simulation.Action {
	if c, ok := ev.(simulation.PeerConnected); ok {
		return []simulation.Action{simulation.Send{To: c.Peer, Msg: &MsgItems{Items: []Item{invalid(0)}}}}
	}
	return nil
}

// newWorld builds the network; nothing has run yet.
func newWorld(t *testing.T, wc worldConfig) *world {
	t.Helper()
	reg, err := Registry()
	require.NoError(t, err)
	w := &world{t: t, protos: make([]*Protocol, wc.nodes), bans: map[simulation.NodeID][]discovery.Banned{}}
	var seeds []simulation.Addr
	for id := range min(3, wc.nodes) {
		seeds = append(seeds, simulation.SimAddr(simulation.NodeID(id)))
	}
	build := func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		nc := discovery.NodeConfig{Conn: discovery.ConnConfig{Self: simulation.SimAddr(id), Seeds: seeds,
			ConnectInterval: 100 * time.Millisecond, SeedInterval: time.Second}}
		if wc.liar[id] {
			nc.Extra = []discovery.Protocol{liar{}}
			n, err := discovery.NewNode(nc, r)
			require.NoError(t, err)
			return n
		}
		n, b, err := NewNode(nc, wc.cfg, r)
		require.NoError(t, err)
		b.SetScorer(tally{table: n.ConnManager().Table(), w: w, node: id})
		w.protos[id] = b
		return n
	}
	net, err := simulation.New(simulation.Config{
		Nodes: wc.nodes, Seed: wc.seed, Topology: simulation.NoLinks(),
		Latency: simulation.Uniform{Min: 20 * time.Millisecond, Max: 80 * time.Millisecond}, Registry: reg,
		MaxEmitted: 1, Loss: wc.loss, Trace: wc.trace,
		OnEmit: func(e simulation.Emitted) {
			switch v := e.Value.(type) {
			case Delivered:
				w.delivered = append(w.delivered, delivery{node: e.Node, id: v.Item.ID, at: e.At.Sub(simulation.Epoch)})
			case discovery.Banned:
				w.bans[e.Node] = append(w.bans[e.Node], v)
			}
		},
	}, build)
	require.NoError(t, err)
	w.Network = net
	return w
}

func (w *world) protocol(id simulation.NodeID) *Protocol { return w.protos[id] }
func (w *world) banned(id simulation.NodeID) []discovery.Banned {
	return w.bans[id]
}

// until runs the network in slices of 50 ms of virtual time until
// done, or until limit has passed; it reports whether done. Checking
// between slices, not after every event, keeps the checks cheap.
func (w *world) until(done func() bool, limit time.Duration) bool {
	w.t.Helper()
	end := w.Elapsed() + limit
	for !done() {
		if w.Elapsed() >= end {
			return false
		}
		require.NoError(w.t, w.RunFor(min(50*time.Millisecond, end-w.Elapsed())))
	}
	return true
}

// warm runs the network until every node has at least min peers.
func (w *world) warm(minPeers int) {
	w.t.Helper()
	ok := w.until(func() bool {
		for id := range w.protos {
			if n, _ := w.Machine(simulation.NodeID(id)).(*discovery.Node); n == nil ||
				n.ConnManager().Table().Len() < minPeers {
				return false
			}
		}
		return true
	}, time.Minute)
	require.True(w.t, ok, "every node has %d peers", minPeers)
}

// publish makes an item at a node.
func (w *world) publish(at simulation.NodeID, it Item) {
	w.t.Helper()
	require.NoError(w.t, w.Inject(at, discovery.Input{To: Name, Value: Publish{Item: it}}))
}

// missing counts, over the given nodes, the items each lacks.
func (w *world) missing(nodes []simulation.NodeID, items []Item) int {
	n := 0
	for _, id := range nodes {
		for _, it := range items {
			if p := w.protos[id]; p == nil || !p.Has(it.ID) {
				n++
			}
		}
	}
	return n
}

// settle runs until the given nodes hold every item, or the deadline.
func (w *world) settle(nodes []simulation.NodeID, items []Item, within time.Duration) {
	w.t.Helper()
	ok := w.until(func() bool { return w.missing(nodes, items) == 0 }, within)
	assert.True(w.t, ok, "after %v, %d of %d (node, item) pairs missing", within,
		w.missing(nodes, items), len(nodes)*len(items))
}

func nodeRange(from, to int) []simulation.NodeID {
	var out []simulation.NodeID
	for i := from; i < to; i++ {
		out = append(out, simulation.NodeID(i))
	}
	return out
}

// scenarioConfigs are the three ways of spreading the chapter teaches.
var scenarioConfigs = []struct {
	name string
	cfg  Config
}{
	{name: "flood", cfg: Config{Policy: FloodPolicy{}, NoPrune: true}},
	{name: "announce", cfg: Config{Policy: AnnouncePolicy{Delay: 100 * time.Millisecond}, NoPrune: true}},
	{name: "default", cfg: DefaultConfig()},
}

// TestItemsReachEveryNode: in a 30-node network items published at a
// few nodes reach every node, within seconds, under each policy, and no
// honest node scores another.
func TestItemsReachEveryNode(t *testing.T) {
	for _, sc := range scenarioConfigs {
		t.Run(sc.name, func(t *testing.T) {
			testseed.Run(t, 2, func(t *testing.T, seed uint64) {
				w := newWorld(t, worldConfig{nodes: 30, seed: seed, cfg: sc.cfg})
				w.warm(3)
				all := nodeRange(0, 30)
				items := blobs(0, 6)
				for i, it := range items {
					w.publish(simulation.NodeID(i*5), it)
					require.NoError(t, w.RunFor(100*time.Millisecond))
				}
				w.settle(all, items, 5*time.Second)
				assert.Empty(t, w.scored, "honest nodes score nobody")
				for _, id := range all {
					assert.Equal(t, len(items), w.protocol(id).Len(), "node %d", id)
				}
			})
		})
	}
}

// TestPartitionHeals: items published on both sides of a partition
// reach only their own side while it lasts, and every node after it
// heals: the periodic inventory carries them across. Without it they
// stay where they were.
func TestPartitionHeals(t *testing.T) {
	noSync := DefaultConfig()
	noSync.NoSync = true
	tests := []struct {
		name   string
		cfg    Config
		lasts  time.Duration
		within time.Duration
		heals  bool
	}{
		{name: "default, 10 s", cfg: DefaultConfig(), lasts: 10 * time.Second, within: 10 * time.Second, heals: true},
		{name: "announce, 10 s", cfg: scenarioConfigs[1].cfg, lasts: 10 * time.Second, within: 10 * time.Second,
			heals: true},
		{name: "default, a minute: longer than the sync window", cfg: DefaultConfig(),
			lasts: time.Minute, within: 20 * time.Second, heals: true},
		{name: "without the periodic inventory", cfg: noSync, lasts: 10 * time.Second, within: 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, worldConfig{nodes: 30, seed: 1, cfg: tt.cfg})
			w.warm(3)
			left, right := nodeRange(0, 15), nodeRange(15, 30)
			require.NoError(t, w.Partition(left, right))
			var onLeft, onRight []Item
			const n = 10
			for i := range n {
				a, b := blob(2*i), blob(2*i+1)
				w.publish(left[i%len(left)], a)
				w.publish(right[i%len(right)], b)
				onLeft, onRight = append(onLeft, a), append(onRight, b)
				require.NoError(t, w.RunFor(tt.lasts/n))
			}
			assert.Zero(t, w.missing(left, onLeft), "the left side spreads its own")
			assert.Zero(t, w.missing(right, onRight), "the right side spreads its own")
			assert.Equal(t, len(left)*n, w.missing(left, onRight), "nothing crosses the cut")

			w.Heal()
			all := append(onLeft, onRight...)
			if !tt.heals {
				require.NoError(t, w.RunFor(tt.within))
				assert.Equal(t, 2*len(left)*n, w.missing(nodeRange(0, 30), all),
					"nothing crosses after the heal either")
				return
			}
			w.settle(nodeRange(0, 30), all, tt.within)
			assert.Empty(t, w.scored, "honest nodes score nobody")
		})
	}
}

// TestRestartCatchesUp: a node that crashes, misses what is published
// while it is down, and restarts with nothing, catches up from its
// peers' inventories: those sent as it connects, and the periodic ones
// for the item too new for those. Without them it catches nothing up.
func TestRestartCatchesUp(t *testing.T) {
	const victim = 7
	noSync := DefaultConfig()
	noSync.NoSync = true
	tests := []struct {
		name      string
		cfg       Config
		catchesUp bool
	}{
		{name: "default", cfg: DefaultConfig(), catchesUp: true},
		{name: "without inventories", cfg: noSync},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, worldConfig{nodes: 30, seed: 2, cfg: tt.cfg})
			w.warm(3)
			require.NoError(t, w.Crash(victim))
			var during []Item
			for i := range 5 {
				it := blob(100 + i)
				w.publish(simulation.NodeID(10+i), it)
				during = append(during, it)
				require.NoError(t, w.RunFor(time.Second))
			}
			late := blob(200) // published just before the restart
			w.publish(20, late)
			during = append(during, late)
			require.NoError(t, w.RunFor(100*time.Millisecond))
			require.NoError(t, w.Restart(victim))
			if !tt.catchesUp {
				require.NoError(t, w.RunFor(10*time.Second))
				assert.Equal(t, len(during), w.missing([]simulation.NodeID{victim}, during))
				return
			}
			w.settle([]simulation.NodeID{victim}, during, 10*time.Second)
			assert.Empty(t, w.scored, "honest nodes score nobody")
		})
	}
}

// TestScenarioDeterministic: the same seed gives the same run, every
// delivery at the same moment; another seed another run.
func TestScenarioDeterministic(t *testing.T) {
	run := func(seed uint64) string {
		w := newWorld(t, worldConfig{nodes: 20, seed: seed, cfg: DefaultConfig()})
		w.warm(3)
		for i, it := range blobs(0, 5) {
			w.publish(simulation.NodeID(i*3), it)
			require.NoError(t, w.RunFor(50*time.Millisecond))
		}
		require.NoError(t, w.RunFor(5*time.Second))
		h := fnv.New64a()
		for _, d := range w.delivered {
			fmt.Fprintln(h, d.node, d.id, d.at)
		}
		st := w.Stats()
		fmt.Fprintln(h, st.Sent, st.Delivered, st.Events)
		return fmt.Sprintf("%d deliveries, %x", len(w.delivered), h.Sum64())
	}
	first := run(11)
	assert.Equal(t, first, run(11))
	assert.NotEqual(t, first, run(12))
}

// TestHonestNodesBanNobody: a busier run, 20 nodes and 10 items a
// second for 7 s, under conditions the simulator offers: honest nodes
// running one config never score each other, and every item reaches
// every node.
func TestHonestNodesBanNobody(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		loss float64
		cut  bool // the network split in two from 1 s to 6 s
	}{
		{name: "default", cfg: DefaultConfig()},
		{name: "announce", cfg: scenarioConfigs[1].cfg},
		{name: "announce, split for 5 s", cfg: scenarioConfigs[1].cfg, cut: true},
		{name: "default, split for 5 s", cfg: DefaultConfig(), cut: true},
		{name: "default, 1% of messages lost", cfg: DefaultConfig(), loss: 0.01},
		{name: "a policy that ignores the tree, pruning on", cfg: Config{Policy: FloodPolicy{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, worldConfig{nodes: 20, seed: 1, cfg: tt.cfg, loss: tt.loss})
			w.warm(3)
			items := blobs(0, 70)
			for i, it := range items {
				switch {
				case tt.cut && i == 10:
					require.NoError(t, w.Partition(nodeRange(0, 10), nodeRange(10, 20)))
				case tt.cut && i == 60:
					w.Heal()
				}
				w.publish(simulation.NodeID(i%20), it)
				require.NoError(t, w.RunFor(100*time.Millisecond))
			}
			w.settle(nodeRange(0, 20), items, 20*time.Second)
			assert.Empty(t, w.scored, "honest nodes score nobody")
			assert.Empty(t, w.bans, "honest nodes ban nobody")
		})
	}
}

// TestTreeSavesMessages: on a 30-node network, the default config (the
// trees, batched) spreads the same items as flooding with no pruning
// in far fewer items messages: each node soon gets each publisher's
// items once, and a batch carries several.
func TestTreeSavesMessages(t *testing.T) {
	itemsMessages := func(cfg Config) uint64 {
		w := newWorld(t, worldConfig{nodes: 30, seed: 3, cfg: cfg})
		w.warm(3)
		before := w.Stats()
		items := blobs(0, 30)
		for i, it := range items {
			w.publish(simulation.NodeID((i%3)*10), it) // three publishers
			require.NoError(t, w.RunFor(100*time.Millisecond))
		}
		w.settle(nodeRange(0, 30), items, 5*time.Second)
		assert.Empty(t, w.scored, "honest nodes score nobody")
		return w.Stats().ByType[CmdItems].Messages - before.ByType[CmdItems].Messages
	}
	flooded := itemsMessages(scenarioConfigs[0].cfg)
	tree := itemsMessages(DefaultConfig())
	// 30 items reaching 29 nodes each take 870 deliveries at least.
	assert.Greater(t, flooded, uint64(870), "flooding sends each item on every link")
	t.Logf("items messages: the tree %d, flooding %d", tree, flooded)
	assert.Less(t, 2*tree, flooded, "the tree: %d items messages, flooding %d", tree, flooded)
}
