package simulation

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// NodeID numbers a node in a simulated network, from 0 to Nodes-1. As a
// PeerID, a simulated node's peers are named by their NodeID.
type NodeID int

// Bounds on the topologies, so a typo cannot ask for a billion links.
const (
	MaxCompleteNodes = 2000 // past this, Complete's n² links cost too much: use AnyToAny
	MaxDegree        = 1000
	regularAttempts  = 100 // RandomRegular restarts before it gives up
)

// docs:begin topology

// Topology decides which nodes are linked when a network starts.
// Neighbours returns each node's neighbours, sorted; the lists are
// symmetric. A nil result, from AnyToAny, means every node may send to
// every other without links.
type Topology interface {
	Neighbours(n int, r *rand.Rand) ([][]NodeID, error)
	String() string
}

// docs:end topology

// Complete links every node to every other. Each node hears of its n-1
// links as PeerConnected events, so n is at most MaxCompleteNodes.
func Complete() Topology { return complete{} }

// AnyToAny lets every node send to every other with no links at all and
// no PeerConnected events: the model of Pittel's rumor spreading, where a
// node knows the whole population from the start. Machines learn the
// population from their constructor.
func AnyToAny() Topology { return anyToAny{} }

// NoLinks starts every node with no connections at all: nodes learn
// addresses (from their constructor, or from each other) and Dial, as
// real nodes do when they start. Chapter 05 begins here.
func NoLinks() Topology { return noLinks{} }

// Ring links each node to the next and the previous, the last to the first.
func Ring() Topology { return ring{} }

// Line links each node to the next and the previous: a ring cut once.
func Line() Topology { return line{} }

// Grid lays the nodes out in rows of width and links each to the nodes
// above, below, left and right. n must be a multiple of width.
func Grid(width int) Topology { return grid{width: width} }

// RandomRegular links every node to exactly degree others, chosen at
// random: the shape of a peer-to-peer overlay where every node keeps the
// same number of connections. n times degree must be even.
func RandomRegular(degree int) Topology { return randomRegular{degree: degree} }

type (
	complete      struct{}
	anyToAny      struct{}
	noLinks       struct{}
	ring          struct{}
	line          struct{}
	grid          struct{ width int }
	randomRegular struct{ degree int }
)

func (complete) String() string        { return "complete" }
func (anyToAny) String() string        { return "any-to-any" }
func (noLinks) String() string         { return "no links" }
func (ring) String() string            { return "ring" }
func (line) String() string            { return "line" }
func (g grid) String() string          { return fmt.Sprintf("grid, width %d", g.width) }
func (r randomRegular) String() string { return fmt.Sprintf("random %d-regular", r.degree) }

func (complete) Neighbours(n int, _ *rand.Rand) ([][]NodeID, error) {
	if n > MaxCompleteNodes {
		return nil, fmt.Errorf("%w: complete topology of %d nodes: at most %d (AnyToAny has no limit)",
			ErrConfig, n, MaxCompleteNodes)
	}
	adj := make([][]NodeID, n)
	for i := range adj {
		for j := range n {
			if i != j {
				adj[i] = append(adj[i], NodeID(j))
			}
		}
	}
	return adj, nil
}

func (anyToAny) Neighbours(int, *rand.Rand) ([][]NodeID, error) { return nil, nil }

func (noLinks) Neighbours(n int, _ *rand.Rand) ([][]NodeID, error) {
	return newAdjacency(n), nil
}

func (ring) Neighbours(n int, _ *rand.Rand) ([][]NodeID, error) {
	adj := newAdjacency(n)
	for i := range n {
		adj.link(NodeID(i), NodeID((i+1)%n))
	}
	return adj.sorted(), nil
}

func (line) Neighbours(n int, _ *rand.Rand) ([][]NodeID, error) {
	adj := newAdjacency(n)
	for i := 0; i+1 < n; i++ {
		adj.link(NodeID(i), NodeID(i+1))
	}
	return adj.sorted(), nil
}

func (g grid) Neighbours(n int, _ *rand.Rand) ([][]NodeID, error) {
	if g.width < 1 || n%g.width != 0 {
		return nil, fmt.Errorf("%w: grid width %d does not divide %d nodes", ErrConfig, g.width, n)
	}
	adj := newAdjacency(n)
	for i := range n {
		if (i+1)%g.width != 0 {
			adj.link(NodeID(i), NodeID(i+1)) // right
		}
		if i+g.width < n {
			adj.link(NodeID(i), NodeID(i+g.width)) // below
		}
	}
	return adj.sorted(), nil
}

// Neighbours pairs up "stubs", degree per node, at random, never making a
// loop or a double link, and starts over in the rare case it gets stuck
// (the method of Steger and Wormald, 1999).
func (g randomRegular) Neighbours(n int, r *rand.Rand) ([][]NodeID, error) {
	d := g.degree
	switch {
	case d < 1 || d > MaxDegree:
		return nil, fmt.Errorf("%w: degree %d not in 1..%d", ErrConfig, d, MaxDegree)
	case d >= n:
		return nil, fmt.Errorf("%w: degree %d needs more than %d nodes", ErrConfig, d, n)
	case n*d%2 != 0:
		return nil, fmt.Errorf("%w: %d nodes of degree %d: n times degree must be even", ErrConfig, n, d)
	}
	for range regularAttempts {
		if adj, ok := tryRegular(n, d, r); ok {
			return adj.sorted(), nil
		}
	}
	return nil, fmt.Errorf("%w: no random %d-regular graph on %d nodes after %d attempts",
		ErrConfig, d, n, regularAttempts)
}

func tryRegular(n, d int, r *rand.Rand) (adjacency, bool) {
	adj := newAdjacency(n)
	stubs := make([]NodeID, 0, n*d)
	for i := range n {
		for range d {
			stubs = append(stubs, NodeID(i))
		}
	}
	for len(stubs) > 0 {
		i, j, ok := pickPair(adj, stubs, r)
		if !ok {
			return nil, false
		}
		adj.link(stubs[i], stubs[j])
		// Remove both stubs, higher index first so the lower stays valid.
		i, j = max(i, j), min(i, j)
		stubs[i] = stubs[len(stubs)-1]
		stubs = stubs[:len(stubs)-1]
		stubs[j] = stubs[len(stubs)-1]
		stubs = stubs[:len(stubs)-1]
	}
	return adj, true
}

// pickPair finds two stubs that may be linked: of different nodes, not
// linked yet. It tries at random first; if that keeps failing, which
// happens near the end, it checks every pair.
func pickPair(adj adjacency, stubs []NodeID, r *rand.Rand) (int, int, bool) {
	ok := func(i, j int) bool {
		a, b := stubs[i], stubs[j]
		return a != b && !slices.Contains(adj[a], b)
	}
	for range 50 {
		i, j := r.IntN(len(stubs)), r.IntN(len(stubs))
		if ok(i, j) {
			return i, j, true
		}
	}
	for i := range stubs {
		for j := i + 1; j < len(stubs); j++ {
			if ok(i, j) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// adjacency is a neighbour list per node, built up link by link.
type adjacency [][]NodeID

func newAdjacency(n int) adjacency { return make(adjacency, n) }

// link adds a link both ways, once.
func (a adjacency) link(x, y NodeID) {
	if x == y || slices.Contains(a[x], y) {
		return
	}
	a[x] = append(a[x], y)
	a[y] = append(a[y], x)
}

func (a adjacency) sorted() [][]NodeID {
	for _, l := range a {
		slices.Sort(l)
	}
	return a
}
