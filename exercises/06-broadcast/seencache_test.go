package broadcast

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"

	bc "peerchain/chapters/06-broadcast"
	"peerchain/tools/exercise"
)

// seenID is the i-th ID of the tests.
func seenID(i int) bc.ID {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	return bc.HashID(b[:])
}

func TestSeenCache(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		adds      []int // IDs added, in order
		wantNew   []bool
		wantHeld  []int
		wantGone  []int
		wantCount int
	}{
		{name: "empty", limit: 3, wantGone: []int{1}},
		{name: "under the limit", limit: 3, adds: []int{1, 2},
			wantNew: []bool{true, true}, wantHeld: []int{1, 2}, wantGone: []int{3}, wantCount: 2},
		{name: "a second time is not new", limit: 3, adds: []int{1, 2, 1},
			wantNew: []bool{true, true, false}, wantHeld: []int{1, 2}, wantCount: 2},
		{name: "full: the oldest is forgotten", limit: 3, adds: []int{1, 2, 3, 4},
			wantNew: []bool{true, true, true, true}, wantHeld: []int{2, 3, 4}, wantGone: []int{1}, wantCount: 3},
		{name: "seeing it again does not make it young", limit: 3, adds: []int{1, 2, 3, 1, 4},
			wantNew: []bool{true, true, true, false, true}, wantHeld: []int{2, 3, 4}, wantGone: []int{1}, wantCount: 3},
		{name: "forgotten, it is new again", limit: 2, adds: []int{1, 2, 3, 1},
			wantNew: []bool{true, true, true, true}, wantHeld: []int{3, 1}, wantGone: []int{2}, wantCount: 2},
		{name: "round the ring twice", limit: 2, adds: []int{1, 2, 3, 4, 5, 6},
			wantNew: []bool{true, true, true, true, true, true}, wantHeld: []int{5, 6}, wantGone: []int{1, 2, 3, 4}, wantCount: 2},
		{name: "a limit of one", limit: 1, adds: []int{1, 2},
			wantNew: []bool{true, true}, wantHeld: []int{2}, wantGone: []int{1}, wantCount: 1},
		{name: "a limit of zero holds nothing", limit: 0, adds: []int{1, 1},
			wantNew: []bool{true, true}, wantGone: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			c := NewSeenCache(tt.limit)
			var got []bool
			for _, i := range tt.adds {
				got = append(got, c.Add(seenID(i)))
			}
			assert.Equal(t, tt.wantNew, got, "what Add reported")
			for _, i := range tt.wantHeld {
				assert.True(t, c.Has(seenID(i)), "holds %d", i)
			}
			for _, i := range tt.wantGone {
				assert.False(t, c.Has(seenID(i)), "does not hold %d", i)
			}
			assert.Equal(t, tt.wantCount, c.Len())
		})
	}
}

// TestSeenCache_Bounded: a flood of new IDs leaves exactly the last
// limit of them, never more, at every step.
func TestSeenCache_Bounded(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const limit, flood = 1000, 20_000
	c := NewSeenCache(limit)
	for i := range flood {
		if !assert.True(t, c.Add(seenID(i)), "ID %d is new", i) {
			return
		}
		if !assert.Equal(t, min(i+1, limit), c.Len(), "held after %d adds", i+1) {
			return
		}
	}
	for i := range flood {
		if !assert.Equal(t, i >= flood-limit, c.Has(seenID(i)), "holds %d", i) {
			return
		}
	}
}
