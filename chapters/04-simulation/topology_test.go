package simulation

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTopologies(t *testing.T) {
	tests := []struct {
		name string
		topo Topology
		n    int
		want [][]NodeID
	}{
		{name: "line", topo: Line(), n: 4, want: [][]NodeID{{1}, {0, 2}, {1, 3}, {2}}},
		{name: "ring", topo: Ring(), n: 4, want: [][]NodeID{{1, 3}, {0, 2}, {1, 3}, {0, 2}}},
		{name: "ring of two is one link", topo: Ring(), n: 2, want: [][]NodeID{{1}, {0}}},
		{name: "grid 3 wide", topo: Grid(3), n: 6, want: [][]NodeID{{1, 3}, {0, 2, 4}, {1, 5}, {0, 4}, {1, 3, 5}, {2, 4}}},
		{name: "complete", topo: Complete(), n: 3, want: [][]NodeID{{1, 2}, {0, 2}, {0, 1}}},
		{name: "any-to-any has no links", topo: AnyToAny(), n: 3, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.topo.Neighbours(tt.n, rand.New(rand.NewPCG(1, 1)))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRandomRegular(t *testing.T) {
	tests := []struct {
		name      string
		n, degree int
	}{
		{name: "small", n: 10, degree: 3},
		{name: "dense", n: 12, degree: 11},
		{name: "overlay", n: 1000, degree: 8},
		{name: "ring-like", n: 50, degree: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adj, err := RandomRegular(tt.degree).Neighbours(tt.n, rand.New(rand.NewPCG(7, 7)))
			require.NoError(t, err)
			require.Len(t, adj, tt.n)
			for i, nbs := range adj {
				assert.Len(t, nbs, tt.degree, "node %d", i)
				assert.True(t, slices.IsSorted(nbs))
				assert.Len(t, slices.Compact(slices.Clone(nbs)), tt.degree, "no double links at node %d", i)
				for _, nb := range nbs {
					assert.NotEqual(t, NodeID(i), nb, "no loops")
					assert.Contains(t, adj[nb], NodeID(i), "symmetric: %d-%d", i, nb)
				}
			}
			again, err := RandomRegular(tt.degree).Neighbours(tt.n, rand.New(rand.NewPCG(7, 7)))
			require.NoError(t, err)
			assert.Equal(t, adj, again, "same seed, same graph")
		})
	}
}

func TestRandomRegularDiffersBySeed(t *testing.T) {
	a, err := RandomRegular(4).Neighbours(100, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	b, err := RandomRegular(4).Neighbours(100, rand.New(rand.NewPCG(2, 1)))
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}
