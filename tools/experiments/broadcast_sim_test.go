package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// TestBroadcastExperimentsListed: chapter 06's experiments can be run
// by name, and -docs writes them as 06-*.
func TestBroadcastExperimentsListed(t *testing.T) {
	tests := []struct{ name, docs string }{
		{"flood-vs-announce", "06-flood"},
		{"residue", "06-residue"},
		{"partition", "06-partition"},
		{"glomers", "06-glomers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := find(tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.docs, e.Docs)
			assert.NotNil(t, e.Run)
			assert.NotEmpty(t, e.Summary)
		})
	}
	out, err := runExperiments(t)
	require.NoError(t, err)
	assert.True(t, strings.Contains(out, "flood-vs-announce") && strings.Contains(out, "glomers"))
}

func TestMinMedianMax(t *testing.T) {
	tests := []struct {
		name        string
		in          []float64
		lo, mid, hi float64
	}{
		{name: "none", in: nil},
		{name: "one", in: []float64{3}, lo: 3, mid: 3, hi: 3},
		{name: "odd, unsorted", in: []float64{5, 1, 3}, lo: 1, mid: 3, hi: 5},
		{name: "even: the mean of the middle two", in: []float64{4, 1, 2, 10}, lo: 1, mid: 3, hi: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, mid, hi := minMedianMax(tt.in)
			assert.Equal(t, []float64{tt.lo, tt.mid, tt.hi}, []float64{lo, mid, hi})
		})
	}
}

// TestCoverage: only published items count; an item is full when the
// last node has it, and the origin's own delivery takes no time.
func TestCoverage(t *testing.T) {
	c := newCoverage(3)
	it, other := broadcast.NewBlob([]byte("a")), broadcast.NewBlob([]byte("b"))
	t0 := simulation.Epoch
	c.publish(it.ID, t0)
	emit := func(node simulation.NodeID, item broadcast.Item, from simulation.PeerID, after time.Duration) {
		c.onEmit(simulation.Emitted{At: t0.Add(after), Node: node,
			Value: broadcast.Delivered{Item: item, From: from}})
	}
	emit(0, it, 0, 0)
	emit(1, it, 1, 50*time.Millisecond)
	emit(1, other, 1, 60*time.Millisecond) // not published: not counted
	assert.False(t, c.done())
	emit(2, it, 1, 120*time.Millisecond)
	assert.True(t, c.done())
	assert.Equal(t, []time.Duration{120 * time.Millisecond}, c.full)
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 120 * time.Millisecond}, c.delays)
}
