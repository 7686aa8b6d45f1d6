package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForksTable runs the forks experiment small: a row per setting, in
// order, each with the columns the docs show; the stale rate falls as
// T/Δ grows, the model column is 1 − e^(−Δ/T) of the row's own figures,
// and the chart has a series per block size and the model.
func TestForksTable(t *testing.T) {
	fc := forksConfig{nodes: 12, blocks: 300, calBlocks: 40, settings: []forksSetting{
		{size: 0, ratio: 2}, {size: 0, ratio: 50},
		{size: 64 << 10, ratio: 2}, {size: 64 << 10, ratio: 50},
	}}
	res, err := forksTable(fc, 0)
	require.NoError(t, err)
	require.Len(t, res.Rows, len(fc.settings))
	keys := []string{"block_kb", "interval_s", "delay_ms", "t_over_delay", "mined",
		"stale_pct", "stale_se_pct", "model_pct", "reorgs", "max_depth"}
	require.Len(t, res.Columns, len(keys))
	for i, k := range keys {
		assert.Equal(t, k, res.Columns[i].Key)
	}
	tests := []struct {
		name   string
		row    int
		kb     float64
		ratio  float64
		slower int // the row of the same size with blocks further apart
	}{
		{"own blocks, T = 2Δ", 0, 0, 2, 1},
		{"64 KB blocks, T = 2Δ", 2, 64, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, slow := res.Rows[tt.row], res.Rows[tt.slower]
			if tt.kb > 0 {
				assert.InDelta(t, tt.kb, row[0], 0.01)
			} else {
				assert.Less(t, row[0], 0.5, "a coinbase-only block")
			}
			assert.InDelta(t, tt.ratio, row[3], 0.5, "T/Δ near its aim")
			assert.InDelta(t, fc.blocks, row[4], float64(fc.blocks)/5, "blocks mined")
			assert.Greater(t, row[5], slow[5], "more stale blocks when they come faster")
			assert.Greater(t, row[5], 5.0, "T = 2Δ loses many")
			model := 100 * (1 - math.Exp(-row[2]/1000/row[1]))
			assert.InDelta(t, model, row[7], 0.01, "the model column")
			assert.Greater(t, row[8], slow[8], "more reorganisations")
		})
	}
	assert.Greater(t, res.Rows[2][2], res.Rows[0][2], "big blocks take longer to arrive")
	require.Len(t, res.Chart.Series, 3)
	assert.Len(t, res.Chart.Series[0].Points, 2)
	assert.True(t, res.Chart.Series[2].Dashed, "the model")

	var table strings.Builder
	require.NoError(t, res.WriteTable(&table))
	assert.Contains(t, table.String(), "1−e^(−Δ/T) %")
	assert.Contains(t, table.String(), "Decker and Wattenhofer")
	var js strings.Builder
	require.NoError(t, res.WriteJSON(&js))
	var got struct{ Rows []map[string]float64 }
	require.NoError(t, json.Unmarshal([]byte(js.String()), &got))
	require.Len(t, got.Rows, 4)
	assert.Contains(t, got.Rows[0], "stale_pct")
}

func TestForksRegistered(t *testing.T) {
	e, err := find("forks")
	require.NoError(t, err)
	assert.Equal(t, "10-forks", e.Docs)
}
