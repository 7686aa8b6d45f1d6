package main

import (
	"math/big"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	forkchoice "peerchain/chapters/10-forkchoice"
	labforks "peerchain/exercises/10-forkchoice"
	"peerchain/tools/command/commandtest"
	"peerchain/tools/exercise"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

var (
	minedLine = regexp.MustCompile(`(?m)^ +[0-9.]+s  node \d+ mined #\d+ [0-9a-f]{8}$`)
	tipLine   = regexp.MustCompile(`(?m)^  node +\d+  tip #(\d+) ([0-9a-f]{8}) (.)$`)
	mined     = regexp.MustCompile(`(?m)^blocks mined   (\d+)$`)
	reorgLine = regexp.MustCompile(`(?m)^ +([0-9.]+)s  node (\d+) reorg: (\d+) blocks? off, \d+ blocks? on, tip now #\d+ [0-9a-f]{8}$`)
)

// TestForks runs the demo in-process and reads its summary: every block
// mined was printed, every node's tip agrees, and a partition ends in
// a reorganisation of several blocks at the heal.
func TestForks(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		nodes     int
		wantReorg int // the deepest reorganisation at least
	}{
		{"blocks close together", []string{"-nodes", "6", "-interval", "1s", "-duration", "1m"}, 6, 1},
		{"big blocks on slow links", []string{"-nodes", "8", "-interval", "2s", "-duration", "1m",
			"-size", "500000", "-bandwidth", "1e6", "-latency", "50ms"}, 8, 1},
		{"a partition and its heal", []string{"-nodes", "10", "-interval", "2s", "-duration", "2m",
			"-partition", "20s-80s"}, 10, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := commandtest.Run(t, run, append([]string{"forks"}, tt.args...)...)
			require.NoError(t, err, out)
			m := mined.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			n, _ := strconv.Atoi(m[1])
			assert.Len(t, minedLine.FindAllString(out, -1), n, "a line per block mined")
			tips := tipLine.FindAllStringSubmatch(out, -1)
			require.Len(t, tips, tt.nodes, out)
			for _, tip := range tips {
				assert.Equal(t, tips[0][2], tip[2], "one tip")
				assert.Equal(t, "✓", tip[3])
			}
			assert.Contains(t, out, "every node follows #"+tips[0][1]+" "+tips[0][2])
			deepest := 0
			for _, r := range reorgLine.FindAllStringSubmatch(out, -1) {
				d, _ := strconv.Atoi(r[3])
				deepest = max(deepest, d)
			}
			assert.GreaterOrEqual(t, deepest, tt.wantReorg, out)
			assert.Regexp(t, `(?m)^stale          \d+, [0-9.]+ % of mined$`, out)
			assert.Regexp(t, `(?m)^model          [0-9.]+ %: 1 − e\^\(−Δ/T\)`, out)
		})
	}
}

func TestForksErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one node", []string{"-nodes", "1"}, "at least 2"},
		{"no interval", []string{"-interval", "0s"}, "must be positive"},
		{"a bad latency", []string{"-latency", "soon"}, "-latency"},
		{"a partition backwards", []string{"-partition", "90s-30s"}, "want FROM-TO"},
		{"a partition past the end", []string{"-duration", "1m", "-partition", "30s-90s"}, "within -duration"},
		{"a block too big", []string{"-size", "100000000", "-duration", "10s"}, "BlockSize"},
		{"an argument", []string{"x"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := commandtest.Run(t, run, append([]string{"forks"}, tt.args...)...)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestForksLab: -lab says plainly that the lab is not attempted yet,
// or, once it is, runs the network on it to one tip.
func TestForksLab(t *testing.T) {
	n := &forkchoice.Node{Work: big.NewInt(2)}
	attempted := exercise.Try(func() {
		labforks.LabChoice{}.Better(n, n)
		labforks.LabChoice{}.Path(n, n)
	}) == nil
	out, err := commandtest.Run(t, run, "forks", "-lab", "-nodes", "6", "-interval", "1s", "-duration", "30s")
	if !attempted {
		assert.ErrorContains(t, err, "not attempted yet")
		assert.ErrorContains(t, err, "exercises/10-forkchoice")
		return
	}
	require.NoError(t, err, out)
	assert.Contains(t, out, "your LabChoice")
	assert.Contains(t, out, "every node follows #")
}
