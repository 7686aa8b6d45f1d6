package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/command/commandtest"
)

func TestMain(m *testing.M) {
	testing.Init()
	commandtest.Main(m)
}

// TestRunnerTiny runs every pair at a tiny size, so the runner cannot
// rot: each figure of the table is there, with a value. It
// checks no timing: figures on a shared machine are for reading.
func TestRunnerTiny(t *testing.T) {
	out, err := commandtest.Run(t, run, "bench", "-json", "-runs", "1", "-nodes", "300",
		"-msgs", "50", "-hops", "10", "-sweep", "none", "-benchtime", "3x")
	require.NoError(t, err)
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	names := map[string]Figure{}
	for _, f := range rep.Figures {
		names[f.Name] = f
		assert.Positive(t, f.Value.Median, f.Name)
		assert.LessOrEqual(t, f.Value.Min, f.Value.Max, f.Name)
	}
	for _, want := range []string{
		"push gossip, 300 nodes: events/s",
		"simulator ÷ bare event loop, ns per event",
		"allocations per event",
		"real driver: messages/s to one peer ÷ bare buffered TCP",
		"real driver hop latency ÷ bare TCP hop",
		"wire decode of a 1 MiB payload: bytes allocated",
		"tx verify ÷ raw ed25519 verify, one core",
		"tx verify ÷ raw ed25519 verify, all cores",
	} {
		assert.Contains(t, names, want)
	}
	assert.NotEmpty(t, rep.CPU)
	assert.NotEmpty(t, rep.LoadAvg)
}

func TestChildRow(t *testing.T) {
	row, err := spreadRow(200)
	require.NoError(t, err)
	assert.Equal(t, 200, row.Nodes)
	assert.Positive(t, row.Events)
	assert.Positive(t, row.PeakRSS)
}

func TestStat(t *testing.T) {
	assert.Equal(t, Stat{Min: 1, Median: 2.5, Max: 9}, stat([]float64{9, 1, 2, 3}))
	assert.Equal(t, Stat{Min: 1, Median: 2, Max: 3}, stat([]float64{3, 1, 2}))
}

func TestRejectsArguments(t *testing.T) {
	_, err := commandtest.Run(t, run, "bench", "extra")
	assert.ErrorContains(t, err, "no arguments")
}

func TestBadSize(t *testing.T) {
	_, err := commandtest.Run(t, run, "bench", "-sizes", "1000,x", "-sweep", "none")
	assert.ErrorContains(t, err, `bad size "x"`)
}
