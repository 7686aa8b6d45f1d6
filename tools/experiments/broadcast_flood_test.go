package main

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/experiments/chart"
)

// TestOutboundTopology: every node picks its outbound peers, never
// itself or one it has already; the links are symmetric, and a network
// too small to pick from ends complete instead of looping.
func TestOutboundTopology(t *testing.T) {
	tests := []struct {
		name      string
		nodes     int
		out       int
		wantLinks int
		wantErr   bool
	}{
		{name: "1,000 nodes, 8 each", nodes: 1000, out: 8, wantLinks: 8000},
		{name: "50 nodes, 3 each", nodes: 50, out: 3, wantLinks: 150},
		{name: "too few to pick 4 from", nodes: 5, out: 4, wantLinks: 10}, // complete
		{name: "more than there are", nodes: 5, out: 5, wantErr: true},
		{name: "none", nodes: 5, out: 0, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adj, err := outboundTopology{out: tt.out}.Neighbours(tt.nodes, rand.New(rand.NewPCG(1, 1)))
			if tt.wantErr {
				assert.ErrorIs(t, err, simulation.ErrConfig)
				return
			}
			require.NoError(t, err)
			require.Len(t, adj, tt.nodes)
			links := 0
			for i, peers := range adj {
				me := simulation.NodeID(i)
				assert.True(t, slices.IsSorted(peers), "node %d", i)
				assert.NotContains(t, peers, me)
				assert.GreaterOrEqual(t, len(peers), min(tt.out, tt.nodes-1), "node %d", i)
				assert.Len(t, slices.Compact(slices.Clone(peers)), len(peers), "node %d: a peer twice", i)
				for _, p := range peers {
					assert.Contains(t, adj[p], me, "%d-%d one way only", i, p)
				}
				links += len(peers)
			}
			assert.Equal(t, tt.wantLinks, links/2)
		})
	}
}

// TestFloodAgainstAnnounce: over the same small overlay and items,
// flooding sends more messages and bytes per item than announcing in
// 500 ms batches, and is faster; every item reaches every node.
func TestFloodAgainstAnnounce(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	const nodes, items = 40, 15
	flood, err := floodRun(floodVariants[0], nodes, items, 1)
	require.NoError(t, err)
	batched, err := floodRun(floodVariants[3], nodes, items, 1)
	require.NoError(t, err)
	for _, o := range []floodOutcome{flood, batched} {
		assert.Len(t, o.full, items, "every item reached every node")
		assert.Len(t, o.delays, items*(nodes-1), "a delivery per node but the origin, per item")
	}
	assert.Greater(t, flood.msgs, 2*batched.msgs, "flooding: a push on nearly every link")
	assert.Greater(t, flood.bytes, 2*batched.bytes, "and the item's bytes with each")
	assert.Greater(t, batched.msgs, float64(nodes), "at least a fetch per node")
	_, floodMedian, floodMax := minMedianMax(flood.full)
	_, batchedMedian, _ := minMedianMax(batched.full)
	assert.Greater(t, floodMedian, 0.0)
	assert.Less(t, floodMax, batchedMedian, "batching trades latency for messages")
}

// TestFloodTable: one row per variant, numbered, and a curve for each
// that climbs from the first delivery to the last.
func TestFloodTable(t *testing.T) {
	res, err := floodTable(20, 4, 1)
	require.NoError(t, err)
	require.Len(t, res.Rows, len(floodVariants))
	require.Len(t, res.Chart.Series, len(floodVariants))
	for i, row := range res.Rows {
		require.Len(t, row, len(res.Columns))
		assert.Equal(t, float64(i+1), row[0])
		assert.Positive(t, row[1], "variant %d: messages", i+1)
		assert.GreaterOrEqual(t, row[4], row[3], "variant %d: max at least the median", i+1)
		pts := res.Chart.Series[i].Points
		require.NotEmpty(t, pts)
		assert.Equal(t, 1.0, pts[len(pts)-1].X)
		assert.True(t, slices.IsSortedFunc(pts, func(a, b chart.Point) int {
			return cmp.Compare(a.Y, b.Y)
		}), "variant %d: the curve never falls", i+1)
	}
	assert.Contains(t, res.Notes, "1 flood")
}

// TestTreesPayOffWithFewPublishers: the same items on the same overlay
// cost the tree fewer messages when they come from a few publishers,
// whose trees form once, than from random nodes, each item on a tree of
// its own that forms by flooding.
func TestTreesPayOffWithFewPublishers(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	const nodes, items = 60, 30
	random, err := floodRun(floodVariant{cfg: plumtreeNoSync()}, nodes, items, 1)
	require.NoError(t, err)
	few, err := floodRun(floodVariant{cfg: plumtreeNoSync(), publishers: 2}, nodes, items, 1)
	require.NoError(t, err)
	assert.Len(t, few.full, items, "every item reached every node")
	assert.Less(t, few.msgs, 0.8*random.msgs, "two trees, formed once")
}
