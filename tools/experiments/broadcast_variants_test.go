package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	broadcast "peerchain/chapters/06-broadcast"
)

// TestGlomersVariants: on a small challenge, one row per variant, in
// order; flooding costs more messages than the default and is no
// slower, and every item arrives in each.
func TestGlomersVariants(t *testing.T) {
	small := broadcast.GlomersConfig{Nodes: 10, Duration: 2 * time.Second, Rate: 20}
	variants := []glomersVariant{glomersVariants[0], glomersVariants[4]}
	res, err := glomersVariantsTable(small, variants, 1)
	require.NoError(t, err)
	require.Len(t, res.Rows, 2)
	flood, tree := res.Rows[0], res.Rows[1]
	assert.Equal(t, []float64{1, 2}, []float64{flood[0], tree[0]}, "numbered in order")
	assert.Greater(t, flood[1], tree[1], "flooding sends more")
	assert.LessOrEqual(t, flood[2], tree[2], "and is no slower")
	assert.Zero(t, flood[4]+tree[4], "every item everywhere")
	assert.Contains(t, res.Notes, "2 the default: 0, 60, then 30 ms")
	require.Len(t, res.Chart.Series, 3, "a dot for each variant, and the goal")
	assert.Equal(t, []float64{flood[1], flood[2]},
		[]float64{res.Chart.Series[0].Points[0].X, res.Chart.Series[0].Points[0].Y})
}
