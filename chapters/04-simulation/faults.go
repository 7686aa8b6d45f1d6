package simulation

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// docs:begin faults

// Partition splits the network: messages, dials and closes between
// nodes in different groups are lost, including those already on their
// way. Nodes named in no group form one more group together. Open
// connections stay open, as TCP's do when a cable is cut; the machines
// find out through their own timeouts.
func (n *Network) Partition(groups ...[]NodeID) error {
	g := make([]int, len(n.nodes))
	seen := make(map[NodeID]bool)
	for i, group := range groups {
		if err := n.checkIDs(group); err != nil {
			return fmt.Errorf("partition: %w", err)
		}
		for _, id := range group {
			if seen[id] {
				return fmt.Errorf("partition: node %d is in two groups", id)
			}
			seen[id] = true
			g[id] = i + 1
		}
	}
	n.groups = g
	n.tracef("partition %s", describeGroups(groups))
	n.cutInFlight()
	return nil
}

// Heal ends a partition.
func (n *Network) Heal() {
	n.groups = nil
	n.tracef("heal")
}

// Crash stops a node as if its process died: its machine and timers are
// gone, what was on its way to it is lost, and each of its peers hears
// that the connection closed, one link latency later.
func (n *Network) Crash(id NodeID) error {
	if err := n.checkIDs([]NodeID{id}); err != nil {
		return fmt.Errorf("crash: %w", err)
	}
	nd := &n.nodes[id]
	if !nd.up() {
		return fmt.Errorf("crash: node %d is already down", id)
	}
	for _, far := range sortedKeys(nd.links) {
		c := nd.links[far]
		side := 1 - c.farSide(id)
		c.end[side].open = false
		if c.end[1-side].open {
			n.sendClose(c, side, n.now, ErrPeerCrashed)
		}
	}
	n.stale += timersSet(nd) + len(n.moreTimers[id])
	n.dropTimers(id, nd)
	nd.life++
	nd.m, nd.conns, nd.links = nil, nil, nil
	n.tracef("crash %d", id)
	return nil
}

// Restart starts a crashed node again with a fresh machine, which gets
// Start and then, like at the beginning, a PeerConnected for each of its
// starting topology's links to a node that is up and not cut off by a
// partition. It has lost all other state.
func (n *Network) Restart(id NodeID) error {
	return n.RestartWith(id, func(id NodeID, _ int, r *rand.Rand) Machine {
		return n.build(id, r)
	})
}

// RestartWith restarts a crashed node with a machine made by build,
// which is told the node's incarnation: how a test hands a node back
// what it persisted before the crash.
func (n *Network) RestartWith(id NodeID, build Rebuild) error {
	if err := n.checkIDs([]NodeID{id}); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	if n.nodes[id].up() {
		return fmt.Errorf("restart: node %d is up", id)
	}
	life := int(n.nodes[id].life)
	n.boot(id, func(id NodeID, r *rand.Rand) Machine { return build(id, life, r) })
	n.linkTopology(id, false)
	n.tracef("restart %d", id)
	return n.err
}

// docs:end faults

// SetLinkLatency gives the link from a to b a latency of its own.
func (n *Network) SetLinkLatency(a, b NodeID, l Latency) error {
	if err := n.checkIDs([]NodeID{a, b}); err != nil {
		return fmt.Errorf("link latency: %w", err)
	}
	if err := l.Validate(); err != nil {
		return fmt.Errorf("link latency: %w", err)
	}
	n.latency[link{a, b}] = l
	return nil
}

// SetLinkLoss gives the link from a to b a loss rate of its own.
func (n *Network) SetLinkLoss(a, b NodeID, p float64) error {
	if err := n.checkIDs([]NodeID{a, b}); err != nil {
		return fmt.Errorf("link loss: %w", err)
	}
	if p < 0 || p > 1 || math.IsNaN(p) {
		return fmt.Errorf("%w: link loss %v not in 0..1", ErrConfig, p)
	}
	n.loss[link{a, b}] = p
	return nil
}

func describeGroups(groups [][]NodeID) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = fmt.Sprint(g)
	}
	return strings.Join(parts, " | ")
}

// cutInFlight marks what is on its way across a new partition as lost.
// The drops are traced in the order the messages would have arrived, by
// (at, seq), whatever order the queue keeps its items in.
func (n *Network) cutInFlight() {
	var dropped []item
	n.queue.each(func(it *item) {
		if it.cut {
			return
		}
		switch it.kind {
		case itemDeliver, itemDeliverAny:
			f := n.carried(it)
			if n.cut(NodeID(f.from), NodeID(it.to)) {
				it.cut = true
				n.stats.Cut++
				dropped = append(dropped, *it)
			}
		case itemAccept, itemAnswer, itemRefused, itemClose:
			if n.cut(NodeID(n.cargo.at(it.ref).from), NodeID(it.to)) {
				it.cut = true
			}
		}
	})
	slices.SortFunc(dropped, func(a, b item) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
	})
	for _, it := range dropped {
		f := n.carried(&it)
		n.drop(NodeID(f.from), NodeID(it.to), f.msg, "cut by partition")
	}
}

// sortedKeys lists a map's keys in order, so that whatever is done to
// each happens in the same order on every run.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
