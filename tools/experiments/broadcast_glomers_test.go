package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	broadcast "peerchain/chapters/06-broadcast"
)

// TestGlomersJSON: on a small challenge, one run without and one with
// the partition, each a JSON row with the challenge's three figures.
func TestGlomersJSON(t *testing.T) {
	res, err := glomersTable(broadcast.GlomersConfig{Nodes: 8, Duration: 8 * time.Second, Rate: 10}, 1)
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, res.WriteJSON(&out))
	var got map[string]struct {
		MsgsPerOp float64          `json:"msgs_per_op"`
		MedianMS  float64          `json:"median_ms"`
		MaxMS     float64          `json:"max_ms"`
		HealedMS  float64          `json:"healed_ms"`
		Runs      []map[string]any `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.String()), &got))
	require.Len(t, got, 2)
	for _, key := range []string{"normal", "partition"} {
		s, ok := got[key]
		require.True(t, ok, key)
		assert.Positive(t, s.MsgsPerOp, key)
		assert.Positive(t, s.MedianMS, "%s: an item takes at least a hop", key)
		assert.GreaterOrEqual(t, s.MaxMS, s.MedianMS, key)
		require.Len(t, s.Runs, 1, key)
		assert.Equal(t, 1.0, s.Runs[0]["seed"], key)
		assert.Equal(t, s.MsgsPerOp, s.Runs[0]["msgs_per_op"], "%s: the median of one run is that run", key)
	}
	assert.Positive(t, got["partition"].HealedMS, "the partition's items arrive after the heal")
	assert.Zero(t, got["normal"].HealedMS, "no partition, nothing to heal")
	require.Len(t, res.Rows, 2)
	for i, row := range res.Rows {
		assert.Equal(t, float64(i), row[0], "partition column")
	}
	notes := strings.Join(res.Notes, "\n")
	assert.Contains(t, notes, "bounds met in every run: ")
	assert.Contains(t, notes, "the goal      ≤ 10, ≤ 400ms, ≤ 600ms")
	assert.Len(t, res.Chart.Series, 2+len(broadcast.GlomersBounds))
}

// TestBoundsMet: a bound is met when every run is under all three of
// its figures (the goal's may be reached), and no item went missing.
func TestBoundsMet(t *testing.T) {
	tests := []struct {
		name             string
		msgs, median, hi []float64
		missing          int
		want             string
	}{
		{name: "all three", msgs: []float64{9, 10}, median: []float64{300, 399}, hi: []float64{500, 599},
			want: "efficiency I, efficiency II, the goal"},
		{name: "the goal's figures reached, efficiency I's not met", msgs: []float64{10},
			median: []float64{400}, hi: []float64{600}, want: "efficiency II, the goal"},
		{name: "efficiency I, not the goal's messages", msgs: []float64{12}, median: []float64{300}, hi: []float64{500},
			want: "efficiency I, efficiency II"},
		{name: "efficiency II only", msgs: []float64{15}, median: []float64{900}, hi: []float64{1900},
			want: "efficiency II"},
		{name: "one run too slow", msgs: []float64{9, 9}, median: []float64{300, 300}, hi: []float64{500, 2500},
			want: "none"},
		{name: "an item missing", msgs: []float64{9}, median: []float64{300}, hi: []float64{500}, missing: 1,
			want: "none"},
		{name: "efficiency I's latency, not its messages", msgs: []float64{30}, median: []float64{300},
			hi: []float64{500}, want: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, boundsMet(tt.msgs, tt.median, tt.hi, tt.missing))
		})
	}
}
