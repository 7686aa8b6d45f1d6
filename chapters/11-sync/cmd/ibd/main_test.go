package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chainsync "peerchain/chapters/11-sync"
	labsync "peerchain/exercises/11-sync"
	"peerchain/tools/command/commandtest"
	"peerchain/tools/exercise"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

var (
	syncedLine  = regexp.MustCompile(`(?m)^ +[0-9.]+s  synced at #(\d+)$`)
	stalledLine = regexp.MustCompile(`(?m)^ +[0-9.]+s  peer \d+ stalled the window at #\d+ for 2s: dropped$`)
	peerLine    = regexp.MustCompile(`(?m)^peer \d+ sent  (\d+) blocks$`)
)

// TestIBD runs the demo in-process and reads what it printed: synced at
// the chain's tip, every block sent by some peer, and one stall per
// staller.
func TestIBD(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		blocks      int
		wantPeers   int
		wantStalled int
	}{
		{"four honest peers", []string{"-blocks", "600"}, 600, 4, 0},
		{"one staller of three", []string{"-blocks", "600", "-peers", "3", "-stallers", "1"}, 600, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := commandtest.Run(t, run, append([]string{"ibd", "-no-color"}, tt.args...)...)
			require.NoError(t, err, out)
			m := syncedLine.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			assert.Equal(t, strconv.Itoa(tt.blocks), m[1])
			assert.Len(t, stalledLine.FindAllString(out, -1), tt.wantStalled, out)
			sent := 0
			lines := peerLine.FindAllStringSubmatch(out, -1)
			assert.Len(t, lines, tt.wantPeers, out)
			for _, l := range lines {
				n, _ := strconv.Atoi(l[1])
				sent += n
			}
			assert.Equal(t, tt.blocks, sent)
		})
	}
}

func TestIBDRefuses(t *testing.T) {
	for _, args := range [][]string{{"-blocks", "0"}, {"-stallers", "4"}, {"extra"}, {"-latency", "x"}} {
		_, err := commandtest.Run(t, run, append([]string{"ibd"}, args...)...)
		assert.Error(t, err, "%q", args)
	}
}

// TestIBDLab: -lab says plainly that the lab is not attempted yet, or,
// once it is, syncs the fresh node with it.
func TestIBDLab(t *testing.T) {
	attempted := exercise.Try(func() {
		(&labsync.LabScheduler{}).Schedule(nil, nil, chainsync.MaxInFlightPerPeer)
	}) == nil
	out, err := commandtest.Run(t, run, "ibd", "-no-color", "-lab", "-blocks", "600")
	if !attempted {
		assert.ErrorContains(t, err, "not attempted yet")
		assert.ErrorContains(t, err, "exercises/11-sync")
		return
	}
	require.NoError(t, err, out)
	assert.Contains(t, out, "your LabScheduler")
	m := syncedLine.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	assert.Equal(t, "600", m[1])
}
