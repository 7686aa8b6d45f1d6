package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBootstrapExperiment: a run of 200 nodes finishes, connected,
// every node at its target.
func TestBootstrapExperiment(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	row, curve, err := bootstrapRun(200, 1)
	require.NoError(t, err)
	assert.Less(t, row[1], bootstrapLimit.Seconds(), "every node full before the limit")
	assert.LessOrEqual(t, row[2], row[1], "half before all")
	assert.Equal(t, 1.0, row[3], "connected")
	assert.GreaterOrEqual(t, row[4], 8.0, "every node has at least its 8 outbound")
	assert.Greater(t, row[7], 1.0)
	assert.Less(t, row[7], 10.0, "a random overlay is a few hops across")
	require.NotEmpty(t, curve.Points)
	assert.Equal(t, 1.0, curve.Points[len(curve.Points)-1].Y, "the curve ends at everyone")
}
