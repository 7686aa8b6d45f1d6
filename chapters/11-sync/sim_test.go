package sync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

func TestSimConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  SimConfig
	}{
		{"no blocks", SimConfig{Peers: 1}},
		{"no peers", SimConfig{Blocks: 1}},
		{"every peer a staller", SimConfig{Blocks: 1, Peers: 2, Stallers: 2}},
		{"negative bandwidth", SimConfig{Blocks: 1, Peers: 1, Bandwidth: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSim(tt.cfg)
			assert.ErrorIs(t, err, ErrSim)
		})
	}
}

// TestSim: the packaged simulation, as the demo runs it: 500 blocks
// from 3 peers, one of them a staller.
func TestSim(t *testing.T) {
	var stalls []Stalled
	s, err := NewSim(SimConfig{Blocks: 500, Peers: 3, Stallers: 1, Seed: 1,
		OnEmit: func(e simulation.Emitted) {
			if st, ok := e.Value.(Stalled); ok && e.Node == 0 {
				stalls = append(stalls, st)
			}
		}})
	require.NoError(t, err)

	ok, err := s.Run(time.Minute)

	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, uint64(500), s.Trees[0].Tip().Height)
	assert.Len(t, stalls, 1)
}
