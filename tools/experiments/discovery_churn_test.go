package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChurn: through ten minutes of churn, a network of 200 stays
// connected, its nodes up keep their outbound sets, and some dials
// fail, to nodes that left.
func TestChurn(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	res, err := churnRun(200, 10, 1)
	require.NoError(t, err)
	require.Len(t, res.Rows, 10/churnRowEvery)
	for _, row := range res.Rows {
		assert.Equal(t, 180.0, row[1], "minute %v: a tenth down", row[0])
		assert.Equal(t, 1.0, row[4], "minute %v: connected", row[0])
		assert.Greater(t, row[3], 0.0, "minute %v: dials to nodes that left fail", row[0])
		assert.Less(t, row[3], 0.9, "minute %v", row[0])
		assert.Greater(t, row[5], 0.9, "minute %v: nearly every node up is full", row[0])
	}
	assert.NotNil(t, res.Chart)
}
