package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
)

// TestOriginTable: on a small network, two seeds a mode, run at once:
// a row per mode in order, the spy's precision spread within [0, 1],
// and the stem's cost in latency; the JSON has each mode and run.
func TestOriginTable(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	res, err := originTable(transactions.OriginConfig{Nodes: 20, Txs: 20}, 2)
	require.NoError(t, err)
	require.Len(t, res.Rows, len(transactions.OriginModes))
	require.Len(t, res.Chart.Series, len(transactions.OriginModes))
	for i, row := range res.Rows {
		require.Len(t, row, len(res.Columns))
		assert.Equal(t, float64(i+1), row[0])
		assert.True(t, 0 <= row[1] && row[1] <= row[2] && row[2] <= row[3] && row[3] <= 1,
			"row %d: precision min ≤ median ≤ max within [0, 1]: %v", i+1, row[1:4])
		assert.Positive(t, row[4], "row %d: latency", i+1)
		assert.GreaterOrEqual(t, row[5], row[4], "row %d: the slowest at least the median", i+1)
		assert.Len(t, res.Chart.Series[i].Points, 2, "row %d: a dot per seed", i+1)
	}
	flood, stem := res.Rows[0], res.Rows[2]
	assert.Greater(t, flood[2], stem[2], "the stem hides the origin")
	assert.Greater(t, stem[4], flood[4], "and costs latency")
	assert.Contains(t, res.Notes, "1 flood: every node pushes each transaction to every peer at once")

	var out strings.Builder
	require.NoError(t, res.WriteJSON(&out))
	var got map[string]struct {
		PrecisionMedian float64          `json:"precision_median"`
		MedianMS        float64          `json:"median_ms"`
		Runs            []map[string]any `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.String()), &got))
	require.Len(t, got, 3)
	for i, mode := range transactions.OriginModes {
		m, ok := got[string(mode)]
		require.True(t, ok, mode)
		assert.InDelta(t, res.Rows[i][2], m.PrecisionMedian, 0.006, mode) // the table rounds to 2 places
		assert.Equal(t, res.Rows[i][4], m.MedianMS, mode)
		require.Len(t, m.Runs, 2, mode)
		assert.Equal(t, 2.0, m.Runs[1]["seed"], mode)
	}

	var table strings.Builder
	require.NoError(t, res.WriteTable(&table))
	assert.Contains(t, table.String(), "#  precision min  median   max  latency median ms  latency max ms\n")
}

// TestOriginComplete: a run that left a transaction short of some
// node, or unseen by the spy, is an error, not a row.
func TestOriginComplete(t *testing.T) {
	tests := []struct {
		name    string
		res     transactions.OriginResult
		wantErr string
	}{
		{name: "every transaction measured", res: transactions.OriginResult{Txs: 5, Seen: 5}},
		{name: "two never reached every node", res: transactions.OriginResult{Txs: 5, Seen: 5, Missing: 2},
			wantErr: "2 of 5 transactions never reached every node"},
		{name: "one the spy never heard of", res: transactions.OriginResult{Txs: 5, Seen: 4},
			wantErr: "the spy heard of 4 of 5 transactions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := originComplete(tt.res)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
	_, err := originOne(transactions.OriginConfig{Mode: "gossip"})
	assert.ErrorIs(t, err, transactions.ErrOriginConfig, "a run's own error comes first")
}
