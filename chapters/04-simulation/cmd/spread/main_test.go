package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	color.NoColor = true
	os.Exit(m.Run())
}

func runSpread(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"spread"}, args...), &out)
	return out.String(), err
}

func TestSpread(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{name: "pittel's model", args: []string{"-nodes", "64"}, wants: []string{
			"64 nodes, any-to-any, fanout 1, round 1s, latency none, loss 0, seed 1",
			"    0         1  |\n    1         2  |",
			"Every node informed after",
		}},
		{name: "lossy overlay", args: []string{"-nodes", "100", "-topology", "regular:4", "-latency", "exp:100ms", "-loss", "0.2"}, wants: []string{
			"100 nodes, random 4-regular, fanout 1, round 1s, latency exponential, mean 100ms, loss 0.2, seed 1",
			"     100  |██████████████████████████████████████████████████",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runSpread(t, tt.args...)
			require.NoError(t, err)
			for _, w := range tt.wants {
				assert.Contains(t, out, w)
			}
		})
	}
}

func TestSpreadIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-nodes", "200", "-topology", "regular:6", "-latency", "lognormal:50ms:0.8", "-loss", "0.1", "-seed", "9"}
	out1, err := runSpread(t, append(args, "-trace", filepath.Join(dir, "a"))...)
	require.NoError(t, err)
	out2, err := runSpread(t, append(args, "-trace", filepath.Join(dir, "b"))...)
	require.NoError(t, err)
	assert.Equal(t, out1, out2)
	a, err := os.ReadFile(filepath.Join(dir, "a"))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, "b"))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Contains(t, string(a), "deliver rumor")
}

func TestSpreadRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "topology", args: []string{"-topology", "star"}, wantErr: `topology "star"`},
		{name: "latency", args: []string{"-latency", "slow"}, wantErr: `latency "slow"`},
		{name: "fanout", args: []string{"-fanout", "0"}, wantErr: "-fanout and -round must be positive"},
		{name: "nodes", args: []string{"-nodes", "0"}, wantErr: "Nodes 0"},
		{name: "loss", args: []string{"-loss", "2"}, wantErr: "Loss 2"},
		{name: "trace file", args: []string{"-nodes", "2", "-trace", "/nonexistent/x"}, wantErr: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runSpread(t, tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}
