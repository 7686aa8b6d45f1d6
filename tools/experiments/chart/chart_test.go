package chart

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		want   []float64
	}{
		{name: "zero to twenty-three", lo: 0, hi: 23, want: []float64{0, 5, 10, 15, 20, 25}},
		{name: "small range", lo: 0, hi: 1, want: []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{name: "offset", lo: 103, hi: 117, want: []float64{100, 105, 110, 115, 120}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := niceTicks(tt.lo, tt.hi)
			assert.InDeltaSlice(t, tt.want, got, 1e-9)
			assert.LessOrEqual(t, len(got), maxTicks+1)
			assert.LessOrEqual(t, got[0], tt.lo)
			assert.GreaterOrEqual(t, got[len(got)-1], tt.hi)
		})
	}
}

func TestLogTicks(t *testing.T) {
	assert.Equal(t, []float64{100, 1000, 10000}, logTicks(80, 12500))
	assert.Equal(t, []float64{100}, logTicks(50, 500))
	assert.Equal(t, []float64{20, 50}, logTicks(20, 50), "no power of ten inside")
}

func TestLabel(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{10000, "10,000"}, {100, "100"}, {2.5, "2.5"}, {-1500, "-1,500"}, {0, "0"},
		{3 * 0.2, "0.6"}, // a tick made as k*step, not 0.6000000000000001
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, label(tt.v))
		})
	}
}

func TestWriteSVGErrors(t *testing.T) {
	tests := []struct {
		name    string
		chart   Chart
		wantErr string
	}{
		{name: "empty", chart: Chart{}, wantErr: "chart has no points"},
		{name: "zero on a log scale", chart: Chart{LogX: true, Series: []Series{{Name: "s", Points: []Point{{X: 0, Y: 1}}}}}, wantErr: `series "s": x = 0 on a log scale`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.chart.WriteSVG(&bytes.Buffer{}), tt.wantErr)
		})
	}
}

// TestWriteSVGGolden draws a chart like the experiments' and compares it
// with testdata/example.svg; run with -update to rewrite that file after a
// deliberate change, then look at it.
func TestWriteSVGGolden(t *testing.T) {
	c := Chart{
		Title: "Example <chart>", XLabel: "nodes", YLabel: "rounds", LogX: true,
		Series: []Series{
			{Name: "measured", Dots: true, Line: true, Points: []Point{{X: 100, Y: 11.9, Err: 1.2}, {X: 1000, Y: 17.5, Err: 1.3}, {X: 10000, Y: 23.9, Err: 1.1}}},
			{Name: "theory", Line: true, Dashed: true, Points: []Point{{X: 100, Y: 11.25}, {X: 1000, Y: 16.87}, {X: 10000, Y: 22.5}}},
		},
	}
	var buf bytes.Buffer
	require.NoError(t, c.WriteSVG(&buf))
	golden := filepath.Join("testdata", "example.svg")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())
	assert.Contains(t, buf.String(), "Example &lt;chart&gt;", "text is escaped")
}
