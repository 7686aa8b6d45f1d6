package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chainsync "peerchain/chapters/11-sync"
)

// TestIBDTable runs the ibd experiment at a tiny size, for real: four
// serving processes and a syncing one (this test binary, run again).
// The table has its thirteen figures in order, each 0 < min ≤ median ≤
// max; the simulated ones are the same in every column; the JSON has
// the run's figures, one entry per run, each consistent with itself.
func TestIBDTable(t *testing.T) {
	spec := chainsync.IBDSpec{Blocks: 30, Txs: 10, Seed: 2}
	res, err := ibdTable(spec, 2)
	require.NoError(t, err)
	require.Len(t, res.Rows, 13)
	for i, row := range res.Rows {
		require.Len(t, row, len(res.Columns))
		assert.Equal(t, float64(i+1), row[0])
		low := row[1] > 0
		if i == 11 { // the servers' CPU: /proc counts in 10 ms ticks
			low = row[1] >= 0
		}
		assert.True(t, low && row[1] <= row[2] && row[2] <= row[3],
			"figure %d: 0 < min ≤ median ≤ max: %v", i+1, row[1:])
	}
	for _, i := range []int{1, 2, 3, 4, 5, 6} { // the simulated figures
		assert.Equal(t, res.Rows[i][1], res.Rows[i][3], "figure %d", i+1)
	}
	assert.Len(t, res.Notes, 14)

	var out strings.Builder
	require.NoError(t, res.WriteJSON(&out))
	var got ibdFigures
	require.NoError(t, json.Unmarshal([]byte(out.String()), &got))
	assert.Equal(t, spec.Blocks, got.Blocks)
	assert.Equal(t, ibdPeers, got.Peers)
	require.Len(t, got.Runs, 2)
	require.Len(t, got.Sims, 3)
	for _, r := range got.Runs {
		assert.Positive(t, r.Limit)
		assert.InDelta(t, float64(spec.Blocks)/r.Seconds, r.BlocksPer, 1e-6)
		assert.InDelta(t, r.TxsPer/r.Limit, r.Ratio, 1e-9)
		assert.InDelta(t, (r.Before+r.After)/2, r.Limit, 1e-6)
		assert.Positive(t, r.CPU)
	}
	assert.Positive(t, got.Ratio)
	assert.Equal(t, res.Rows[9][2], got.Ratio, "the JSON's ratio is figure 10's median")
	assert.True(t, got.Sims[2].Modelled)
	assert.LessOrEqual(t, got.Sims[2].BlocksPer, got.Sims[1].BlocksPer,
		"modelling the checks does not make the sync faster")
}

// TestIBDSpecFromEnv reads the experiment's size from the environment.
func TestIBDSpecFromEnv(t *testing.T) {
	tests := []struct {
		name, blocks, txs string
		want              chainsync.IBDSpec
		wantErr           bool
	}{
		{"the issue's size", "", "", chainsync.IBDSpec{Blocks: 10_000, Txs: 100, Seed: ibdSeed}, false},
		{"smaller", "2000", "50", chainsync.IBDSpec{Blocks: 2000, Txs: 50, Seed: ibdSeed}, false},
		{"not a number", "many", "", chainsync.IBDSpec{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PEERCHAIN_IBD_BLOCKS", tt.blocks)
			t.Setenv("PEERCHAIN_IBD_TXS", tt.txs)
			got, err := ibdSpecFromEnv()
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
