package main

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// What the discovery experiments share: the network they run on, and
// how they read it.

// discoveryLatency is every discovery experiment's link latency: a few
// tens of milliseconds, as between machines on one continent.
var discoveryLatency = simulation.Uniform{Min: 20 * time.Millisecond, Max: 150 * time.Millisecond}

// honestAddr gives honest node i an address in a /16 of its own:
// 20.0.1.1, 20.1.1.1, ... so that no two honest nodes share a group.
func honestAddr(id simulation.NodeID) simulation.Addr {
	i := int(id)
	return simulation.Addr(fmt.Sprintf("%d.%d.1.1:8333", 20+i/256, i%256))
}

func discoveryRegistry() (*wire.Registry, error) {
	return wire.NewRegistry(append(wire.BaseMessages(), discovery.Messages()...)...)
}

// counted wraps a machine and counts its dials and how many failed.
type counted struct {
	simulation.Machine
	dials, failed *int
}

func (c counted) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	if _, ok := ev.(simulation.DialFailed); ok {
		*c.failed++
	}
	acts := c.Machine.Handle(now, ev)
	for _, a := range acts {
		if _, ok := a.(simulation.Dial); ok {
			*c.dials++
		}
	}
	return acts
}

func (c counted) AcceptInbound(now time.Time, remote simulation.Addr) error {
	if a, ok := c.Machine.(simulation.Acceptor); ok {
		return a.AcceptInbound(now, remote)
	}
	return nil
}

// nodeOf is the discovery node inside a machine, or nil.
func nodeOf(m simulation.Machine) *discovery.Node {
	switch m := m.(type) {
	case *discovery.Node:
		return m
	case counted:
		return nodeOf(m.Machine)
	}
	return nil
}

// overlay is the network's outbound connections as an undirected graph
// over the nodes that are up: adjacency lists by NodeID.
func overlay(net *simulation.Network, n int) map[simulation.NodeID][]simulation.NodeID {
	byAddr := make(map[simulation.Addr]simulation.NodeID, n)
	for id := range n {
		byAddr[net.Addr(simulation.NodeID(id))] = simulation.NodeID(id)
	}
	adj := make(map[simulation.NodeID][]simulation.NodeID)
	for id := range n {
		node := nodeOf(net.Machine(simulation.NodeID(id)))
		if node == nil {
			continue
		}
		me := simulation.NodeID(id)
		if _, ok := adj[me]; !ok {
			adj[me] = nil
		}
		for _, a := range node.Outbound() {
			if far, ok := byAddr[a]; ok && nodeOf(net.Machine(far)) != nil {
				adj[me] = append(adj[me], far)
				adj[far] = append(adj[far], me)
			}
		}
	}
	return adj
}

// distances runs a breadth-first search from one node: the hops to
// every node it reaches.
func distances(adj map[simulation.NodeID][]simulation.NodeID, from simulation.NodeID) map[simulation.NodeID]int {
	dist := map[simulation.NodeID]int{from: 0}
	queue := []simulation.NodeID{from}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, far := range adj[id] {
			if _, seen := dist[far]; !seen {
				dist[far] = dist[id] + 1
				queue = append(queue, far)
			}
		}
	}
	return dist
}

// largestComponent is the share of the graph's nodes in its largest
// connected component.
func largestComponent(adj map[simulation.NodeID][]simulation.NodeID) float64 {
	if len(adj) == 0 {
		return 0
	}
	seen := map[simulation.NodeID]bool{}
	best := 0
	for _, id := range slices.Sorted(mapsKeys(adj)) {
		if seen[id] {
			continue
		}
		d := distances(adj, id)
		for far := range d {
			seen[far] = true
		}
		best = max(best, len(d))
	}
	return float64(best) / float64(len(adj))
}

func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// newNodeRand is a node's random source in an experiment that builds
// machines outside the simulator's own NewMachine.
func newNodeRand(seed uint64, id simulation.NodeID, life int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(id)<<8|uint64(life)))
}

// netAddr is an address as an addr entry carries it.
func netAddr(ap netip.AddrPort) wire.NetAddress { return wire.NetAddress{Addr: ap} }
