package main

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMiningFigures runs the mining pair at a tiny size: both figures,
// with values and goals. It checks no timing.
func TestMiningFigures(t *testing.T) {
	f := flag.Lookup("test.benchtime")
	require.NotNil(t, f)
	old := f.Value.String()
	require.NoError(t, f.Value.Set("1000x"))
	t.Cleanup(func() { f.Value.Set(old) })

	figs, err := miningFigures(2)
	require.NoError(t, err)
	require.Len(t, figs, 2)
	tests := []struct {
		name string
		goal string
	}{
		{"mining ÷ SHA-256 limit, one core", "≥ 0.5"},
		{"mining parallel efficiency, all cores", "≥ 0.9"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.name, figs[i].Name)
			assert.Equal(t, tt.goal, figs[i].Goal)
			assert.Positive(t, figs[i].Value.Min)
			assert.LessOrEqual(t, figs[i].Value.Min, figs[i].Value.Max)
			assert.NotNil(t, figs[i].Met)
		})
	}
}
