package sync

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// The tests' network is the simulation's: the devnet at its easiest
// target, where a block takes two hashes and every header's proof of
// work is checked for real.
const (
	easyBits = SimBits
	spacing  = SimSpacing
)

var (
	testParams = SimParams
	testNet    = SimNetwork
	testClock  = SimClock
	solve      = Solve
)

func testRules() []blocks.HeaderRule {
	return []blocks.HeaderRule{pow.HeaderRule(testParams)}
}

// genesisTime is the test network's genesis time; blockTime a block's.
var genesisTime = testNet.Genesis.Header.Timestamp()

func blockTime(height uint64) time.Time {
	return genesisTime.Add(time.Duration(height) * spacing)
}

func newTree(t testing.TB) *forkchoice.Tree {
	t.Helper()
	tree, err := forkchoice.New(forkchoice.Config{Network: testNet,
		State: transactions.NewState(testNet.Magic, nil), Rules: testRules()})
	require.NoError(t, err)
	return tree
}

// mineOn is a coinbase-only block on parent, paying tag, at its
// height's time (plus skew), with its proof of work.
func mineOn(parent *forkchoice.Node, tag uint64, skew time.Duration) *blocks.Block {
	var to transactions.Address
	binary.BigEndian.PutUint64(to[:], tag)
	b := forkchoice.BlockOn(parent, testNet, to, nil,
		blockTime(parent.Height+1).Add(skew), easyBits)
	solve(&b.Header)
	return b
}

// extend mines n blocks on tree's tip and adds them.
func extend(t testing.TB, tree *forkchoice.Tree, n int, tag uint64) []*blocks.Block {
	t.Helper()
	out := make([]*blocks.Block, 0, n)
	for range n {
		b := mineOn(tree.Tip(), tag, 0)
		_, err := tree.Add(b, testClock(simulation.Epoch))
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

// treeOf is a tree holding bs, in order.
func treeOf(t testing.TB, bs []*blocks.Block) *forkchoice.Tree {
	t.Helper()
	tree := newTree(t)
	for _, b := range bs {
		_, err := tree.Add(b, testClock(simulation.Epoch))
		require.NoError(t, err)
	}
	return tree
}

func newSync(t testing.TB, tree *forkchoice.Tree) *Sync {
	t.Helper()
	s, err := New(Config{Tree: tree, Rules: testRules(), Clock: testClock})
	require.NoError(t, err)
	return s
}

// node is a test node: its machine (a Sync, or nil for one that does
// nothing), and which PeerID names each other node.
type node struct {
	m     simulation.Machine
	peers map[simulation.NodeID]simulation.PeerID
	n     int
}

func (nd *node) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	if pc, ok := ev.(simulation.PeerConnected); ok {
		id, err := simulation.ParseSimAddr(pc.Addr, nd.n)
		if err == nil {
			nd.peers[id] = pc.Peer
		}
	}
	if nd.m == nil {
		return nil
	}
	return nd.m.Handle(now, ev)
}

// world is a simulated network of test nodes, and what they emitted.
type world struct {
	t     testing.TB
	net   *simulation.Network
	nodes []*node
	syncs []*Sync // nil for a node of no Sync
	trees []*forkchoice.Tree
	log   []simulation.Emitted
}

// newWorld runs a Sync on each tree given (nil: a node that does
// nothing, for a test to act as), all linked to all, 50 ms apart on
// 1 MB/s links.
func newWorld(t testing.TB, seed uint64, trees ...*forkchoice.Tree) *world {
	t.Helper()
	w := &world{t: t, trees: trees, syncs: make([]*Sync, len(trees))}
	for i, tree := range trees {
		nd := &node{peers: map[simulation.NodeID]simulation.PeerID{}, n: len(trees)}
		if tree != nil {
			w.syncs[i] = newSync(t, tree)
			nd.m = w.syncs[i]
		}
		w.nodes = append(w.nodes, nd)
	}
	reg, err := Registry()
	require.NoError(t, err)
	net, err := simulation.New(simulation.Config{
		Nodes: len(trees), Seed: seed, Topology: simulation.Complete(),
		Latency:  simulation.Uniform{Min: 40 * time.Millisecond, Max: 60 * time.Millisecond},
		Cost:     simulation.Bandwidth(1e6),
		Registry: reg,
		OnEmit:   func(e simulation.Emitted) { w.log = append(w.log, e) },
	}, func(id simulation.NodeID, _ *rand.Rand) simulation.Machine {
		return w.nodes[id]
	})
	require.NoError(t, err)
	w.net = net
	return w
}

// runUntil runs until every Sync of ids says it is synced to the same
// tip as tree want, for at most limit.
func (w *world) runUntilSynced(limit time.Duration, want blocks.Hash,
	ids ...simulation.NodeID) bool {
	w.t.Helper()
	ok, err := w.net.RunUntil(func() bool {
		for _, id := range ids {
			if !w.syncs[id].Synced() || w.trees[id].Tip().Hash != want {
				return false
			}
		}
		return true
	}, limit)
	require.NoError(w.t, err)
	return ok
}

// emitted is what node id emitted of type T, in order.
func emitted[T any](w *world, id simulation.NodeID) []T {
	var out []T
	for _, e := range w.log {
		if v, ok := e.Value.(T); ok && e.Node == id {
			out = append(out, v)
		}
	}
	return out
}
