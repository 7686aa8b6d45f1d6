package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"peerchain/tools/command/commandtest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

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
		{name: "a partition without nodes", args: []string{"-partition", "10s"}, wantErr: `-partition "10s": want TIME:NODES`},
		{name: "a crash of a node that is not there", args: []string{"-nodes", "10", "-crash", "1s:3,12"}, wantErr: `-crash: "12" is not a node`},
		{name: "a heal at no time", args: []string{"-heal", "soon"}, wantErr: `-heal "soon"`},
		{name: "a backwards range", args: []string{"-crash", "1s:9-3"}, wantErr: `"9-3" is not a node or a range`},
		{name: "faults on any-to-any", args: []string{"-topology", "any", "-crash", "1s:3"}, wantErr: "-topology any announces no links"},
		{name: "a restart of a node that is up", args: []string{"-nodes", "20", "-restart", "1s:3"}, wantErr: "node 3 is up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runSpread(t, tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// TestSpreadFaults runs the classroom experiments of the page: a
// partition that holds the rumor on one side until it heals, and crashes
// that take nodes out of the count until they restart.
func TestSpreadFaults(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		wants []string // in the output, in order
	}{
		{name: "a partition that heals", args: []string{"-nodes", "100", "-partition", "0s:0-49", "-heal", "30s"}, wants: []string{
			"100 nodes, random 8-regular, fanout 1",
			"at 0s: partition 0-49 | the rest",
			"at 30s: heal",
			"Every live node (100 of 100) informed by round",
		}},
		{name: "crashes and a restart", args: []string{"-nodes", "100", "-crash", "2s:1-10", "-restart", "15s:1-5"}, wants: []string{
			"at 2s: crash 1-10",
			"       90  |",
			"at 15s: restart 1-5",
			"       95  |",
			"Every live node (95 of 100) informed by round",
		}},
		{name: "exactly so many rounds", args: []string{"-nodes", "50", "-topology", "complete", "-rounds", "5", "-loss", "0.5"}, wants: []string{
			"50 nodes, complete, fanout 1, round 1s, latency none, loss 0.5, seed 1",
			"\n    5  ",
			"messages per node (the lab's budget is 40)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runSpread(t, tt.args...)
			require.NoError(t, err)
			rest := out
			for _, w := range tt.wants {
				i := strings.Index(rest, w)
				if !assert.GreaterOrEqual(t, i, 0, "%q after what came before, in:\n%s", w, out) {
					return
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// TestSpreadLab runs -lab: with Gossip not started it says so and stops;
// started, it runs it through a crash.
func TestSpreadLab(t *testing.T) {
	out, err := runSpread(t, "-nodes", "100", "-crash", "3s:5-9", "-restart", "10s:5-9", "-lab")
	if checkLab() != nil {
		assert.ErrorContains(t, err, "-lab runs your Gossip from exercises/04-simulation, but NewGossip is not attempted yet")
		return
	}
	require.NoError(t, err)
	assert.Contains(t, out, "your Gossip (exercises/04-simulation/gossip.go)")
	assert.Contains(t, out, "at 10s: restart 5-9")
}
