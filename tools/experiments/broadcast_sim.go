package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// What the broadcast experiments share: a random overlay of outbound
// links, the items they publish, and how they count.

// outboundTopology links every node to out others it picks at random,
// as a node with out outbound connections does; the links others pick
// to it are its inbound ones. So every node has at least out links,
// 2·out on average (fewer only in a network too small to pick from).
type outboundTopology struct{ out int }

func (t outboundTopology) String() string {
	return fmt.Sprintf("random, %d outbound each", t.out)
}

func (t outboundTopology) Neighbours(n int, r *rand.Rand) ([][]simulation.NodeID, error) {
	if t.out < 1 || t.out >= n {
		return nil, fmt.Errorf("%w: %d outbound links among %d nodes", simulation.ErrConfig, t.out, n)
	}
	linked := make([]map[simulation.NodeID]bool, n)
	for i := range linked {
		linked[i] = make(map[simulation.NodeID]bool)
	}
	for i := range n {
		a := simulation.NodeID(i)
		for picked := 0; picked < t.out && len(linked[a]) < n-1; {
			b := simulation.NodeID(r.IntN(n))
			if b == a || linked[a][b] {
				continue // itself, or a peer it has already, either way
			}
			linked[a][b], linked[b][a] = true, true
			picked++
		}
	}
	adj := make([][]simulation.NodeID, n)
	for i, set := range linked {
		adj[i] = slices.Sorted(mapsKeys(set))
	}
	return adj, nil
}

// broadcastCommands are the commands whose messages the experiments
// count: this chapter's.
var broadcastCommands = []string{broadcast.CmdInv, broadcast.CmdGetData,
	broadcast.CmdNotFound, broadcast.CmdItems, broadcast.CmdPrune}

// broadcastTraffic is the chapter's messages and their bytes in a
// network's counters.
func broadcastTraffic(s simulation.Stats) simulation.Counter {
	var c simulation.Counter
	for _, cmd := range broadcastCommands {
		c.Messages += s.ByType[cmd].Messages
		c.Bytes += s.ByType[cmd].Bytes
	}
	return c
}

// newItem is the i-th item of a run: size bytes, unique to the run.
func newItem(r *rand.Rand, i, size int) broadcast.Item {
	data := make([]byte, size)
	for j := range data {
		data[j] = byte(r.Uint32())
	}
	data[0], data[1], data[2] = byte(i), byte(i>>8), byte(i>>16)
	return broadcast.NewBlob(data)
}

// coverage follows items through a network from its Delivered
// emissions: when each was published, how many nodes have it, and the
// time each delivery took.
type coverage struct {
	nodes     int
	published map[broadcast.ID]time.Time
	reached   map[broadcast.ID]int
	full      []time.Duration // per item that reached every node
	delays    []time.Duration // per delivery, publishing excluded
}

func newCoverage(nodes int) *coverage {
	return &coverage{nodes: nodes, published: map[broadcast.ID]time.Time{},
		reached: map[broadcast.ID]int{}}
}

// publish notes an item as published at now; only such items count.
func (c *coverage) publish(id broadcast.ID, now time.Time) { c.published[id] = now }

// onEmit is the network's OnEmit.
func (c *coverage) onEmit(e simulation.Emitted) {
	d, ok := e.Value.(broadcast.Delivered)
	if !ok {
		return
	}
	at, ok := c.published[d.Item.ID]
	if !ok {
		return
	}
	c.reached[d.Item.ID]++
	if d.From != 0 {
		c.delays = append(c.delays, e.At.Sub(at))
	}
	if c.reached[d.Item.ID] == c.nodes {
		c.full = append(c.full, e.At.Sub(at))
	}
}

// done reports whether every item published has reached every node.
func (c *coverage) done() bool { return len(c.full) == len(c.published) }

// minMedianMax of values, which it sorts; zeros when there are none.
func minMedianMax(xs []float64) (lo, mid, hi float64) {
	if len(xs) == 0 {
		return 0, 0, 0
	}
	slices.Sort(xs)
	return xs[0], median(xs), xs[len(xs)-1]
}

// median of sorted values: the middle one, or the mean of the two.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
