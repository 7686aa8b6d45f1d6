package main

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemersResidue: the root of s = e^-(k+1)(1-s) below 1, which the
// paper gives as about 20% for k = 1 and 6% for k = 2.
func TestDemersResidue(t *testing.T) {
	tests := []struct {
		k    int
		want float64
	}{{1, 0.2032}, {2, 0.0595}, {3, 0.0198}, {4, 0.0070}, {5, 0.0025}}
	for _, tt := range tests {
		t.Run(formatNumber(float64(tt.k), 0), func(t *testing.T) {
			s := demersResidue(tt.k)
			assert.InDelta(t, tt.want, s, 0.00005)
			assert.InDelta(t, math.Exp(-float64(tt.k+1)*(1-s)), s, 1e-12, "a root")
		})
	}
}

// TestRumorMongering: the coin leaves about the share the equation
// says uninformed; with the counter, every node that learned the rumor
// pushed it exactly k times in vain, so the pushes are the informed
// (less the origin) plus k times the informed.
func TestRumorMongering(t *testing.T) {
	tests := []struct {
		name string
		rule rumorRule
	}{
		{name: "coin, k 1", rule: rumorRule{k: 1, coin: true}},
		{name: "coin, k 2", rule: rumorRule{k: 2, coin: true}},
		{name: "counter, k 1", rule: rumorRule{k: 1}},
		{name: "counter, k 3", rule: rumorRule{k: 3}},
	}
	const nodes, runs = 500, 8
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			residue := 0.0
			for seed := range runs {
				o, err := rumorMongering(tt.rule, nodes, uint64(seed+1))
				require.NoError(t, err)
				require.Positive(t, o.informed)
				residue += float64(nodes-o.informed) / nodes / runs
				if !tt.rule.coin {
					assert.Equal(t, o.informed-1+tt.rule.k*o.informed, o.pushes, "seed %d", seed+1)
				}
			}
			want := demersResidue(tt.rule.k)
			assert.InDelta(t, want, residue, want/2+0.005)
		})
	}
}

// TestResidueTable: a row per k with the equation beside what was
// measured, and fewer missed as k grows.
func TestResidueTable(t *testing.T) {
	res, err := residueTable(300, 3)
	require.NoError(t, err)
	require.Len(t, res.Rows, residueMaxK)
	for i, row := range res.Rows {
		require.Len(t, row, len(res.Columns))
		assert.Equal(t, float64(i+1), row[0])
		assert.Equal(t, demersResidue(i+1), row[2])
		assert.Greater(t, row[4], 1.0, "k %d: more than one push a node", i+1)
	}
	assert.Greater(t, res.Rows[0][1], res.Rows[residueMaxK-1][1], "coin: k 1 misses more than k 5")
	assert.Greater(t, res.Rows[0][3], res.Rows[residueMaxK-1][3], "counter too")
	require.Len(t, res.Chart.Series, 3)
}
