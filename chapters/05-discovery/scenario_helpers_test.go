package discovery

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// world is a simulated network of discovery nodes, for scenario tests.
type world struct {
	*simulation.Network
	t       *testing.T
	emitted []simulation.Emitted
	build   func(id simulation.NodeID, restore func(*NodeConfig), r *rand.Rand) simulation.Machine
}

// worldConfig sets a world up: how many nodes, how many of them are
// seeds (nodes 0 to seeds-1), and what else each node's config needs.
type worldConfig struct {
	nodes, seeds int
	seed         uint64
	latency      simulation.Latency
	address      func(simulation.NodeID) simulation.Addr
	registry     *wire.Registry
	resolver     Resolver
	// node changes a node's config; machine, if set, builds a node
	// that is not a plain discovery node (an attacker).
	node    func(id simulation.NodeID, cfg *NodeConfig)
	machine func(id simulation.NodeID, cfg NodeConfig, r *rand.Rand) simulation.Machine
}

func registry(t testing.TB, extra ...func() wire.Message) *wire.Registry {
	t.Helper()
	reg, err := wire.NewRegistry(append(append(wire.BaseMessages(), Messages()...), extra...)...)
	require.NoError(t, err)
	return reg
}

// newWorld builds the network; nothing has run yet.
func newWorld(t *testing.T, wc worldConfig) *world {
	t.Helper()
	w := &world{t: t}
	if wc.latency == nil {
		wc.latency = simulation.Uniform{Min: 20 * time.Millisecond, Max: 80 * time.Millisecond}
	}
	if wc.registry == nil {
		wc.registry = registry(t)
	}
	addrOf := simulation.SimAddr
	if wc.address != nil {
		addrOf = wc.address
	}
	var seeds []simulation.Addr
	for i := range wc.seeds {
		seeds = append(seeds, addrOf(simulation.NodeID(i)))
	}
	w.build = func(id simulation.NodeID, restore func(*NodeConfig), r *rand.Rand) simulation.Machine {
		cfg := NodeConfig{Conn: ConnConfig{Self: addrOf(id), Seeds: seeds}}
		if wc.node != nil {
			wc.node(id, &cfg)
		}
		if restore != nil {
			restore(&cfg)
		}
		if wc.machine != nil {
			if m := wc.machine(id, cfg, r); m != nil {
				return m
			}
		}
		n, err := NewNode(cfg, r)
		require.NoError(t, err)
		return n
	}
	cfg := simulation.Config{
		Nodes: wc.nodes, Seed: wc.seed, Topology: simulation.NoLinks(),
		Latency: wc.latency, Registry: wc.registry, Address: wc.address,
		OnEmit: func(e simulation.Emitted) { w.emitted = append(w.emitted, e) },
	}
	if wc.resolver != nil {
		cfg.OnAction = func(id simulation.NodeID, a simulation.Action) bool {
			return ResolveHook(context.Background(), wc.resolver, func(v any) {
				require.NoError(t, w.Inject(id, v))
			})(a)
		}
	}
	net, err := simulation.New(cfg, func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		return w.build(id, nil, r)
	})
	require.NoError(t, err)
	w.Network = net
	return w
}

// node returns a node's discovery machine, or nil if it is down or not
// a plain discovery node.
func (w *world) node(id simulation.NodeID) *Node {
	n, _ := w.Machine(id).(*Node)
	return n
}

// restart crashes a node and starts it again with what it saved: its
// book, its anchors and its bans.
func (w *world) restart(id simulation.NodeID) {
	w.t.Helper()
	n := w.node(id)
	require.NotNil(w.t, n)
	snap, anchors, bans := n.Book().Snapshot(), n.Anchors(), n.Bans(w.Now())
	require.NoError(w.t, w.Crash(id))
	require.NoError(w.t, w.RestartWith(id, func(id simulation.NodeID, _ int, r *rand.Rand) simulation.Machine {
		return w.build(id, func(cfg *NodeConfig) {
			cfg.Restore, cfg.Conn.Anchors, cfg.Conn.Bans = &snap, anchors, bans
		}, r)
	}))
}

// full reports whether every plain node among ids has its outbound
// target.
func (w *world) full(ids []simulation.NodeID, target int) bool {
	for _, id := range ids {
		if n := w.node(id); n != nil && len(n.Outbound()) < target {
			return false
		}
	}
	return true
}

// connected reports whether the overlay, outbound connections seen as
// undirected links between the given nodes, is one component.
func (w *world) connected(ids []simulation.NodeID) bool {
	byAddr := map[simulation.Addr]simulation.NodeID{}
	for _, id := range ids {
		byAddr[w.Addr(id)] = id
	}
	adj := map[simulation.NodeID][]simulation.NodeID{}
	for _, id := range ids {
		n := w.node(id)
		if n == nil {
			continue
		}
		for _, a := range n.Outbound() {
			if far, ok := byAddr[a]; ok {
				adj[id] = append(adj[id], far)
				adj[far] = append(adj[far], id)
			}
		}
	}
	seen := map[simulation.NodeID]bool{ids[0]: true}
	queue := []simulation.NodeID{ids[0]}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, far := range adj[id] {
			if !seen[far] {
				seen[far] = true
				queue = append(queue, far)
			}
		}
	}
	return len(seen) == len(ids)
}

// emittedBy lists what one node emitted of type T, with when.
func emittedBy[T any](w *world, id simulation.NodeID) []T {
	var out []T
	for _, e := range w.emitted {
		if v, ok := e.Value.(T); ok && e.Node == id {
			out = append(out, v)
		}
	}
	return out
}

func ids(from, to int) []simulation.NodeID {
	var out []simulation.NodeID
	for i := from; i < to; i++ {
		out = append(out, simulation.NodeID(i))
	}
	return slices.Clip(out)
}
