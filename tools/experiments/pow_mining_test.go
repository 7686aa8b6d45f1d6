package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMiningTable runs the mining experiment at a tiny size: eight
// figures in order, each min ≤ median ≤ max and positive, the limit
// half the compression rate, and the JSON the issue names.
func TestMiningTable(t *testing.T) {
	res, err := miningTable(2, 1<<12, 1<<12)
	require.NoError(t, err)
	require.Len(t, res.Rows, 8)
	for i, row := range res.Rows {
		require.Len(t, row, len(res.Columns))
		assert.Equal(t, float64(i+1), row[0])
		assert.True(t, 0 < row[1] && row[1] <= row[2] && row[2] <= row[3],
			"figure %d: 0 < min ≤ median ≤ max: %v", i+1, row[1:])
	}
	assert.InDelta(t, res.Rows[0][2]/2, res.Rows[1][2], 1e-9, "the limit is half the compressions")
	assert.Len(t, res.Chart.Series, 3)

	var out strings.Builder
	require.NoError(t, res.WriteJSON(&out))
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out.String()), &got))
	for _, key := range []string{"hashes_per_s", "limit_per_s", "ratio", "cores", "parallel_efficiency"} {
		v, ok := got[key].(float64)
		if assert.True(t, ok, "%s in %s", key, out.String()) {
			assert.Positive(t, v, key)
		}
	}
	assert.Len(t, got["runs"], 2)
}
