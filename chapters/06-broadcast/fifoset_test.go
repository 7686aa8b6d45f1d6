package broadcast

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFIFOSet: the set holds at most its limit, forgets the oldest
// first, and adding what it holds changes nothing (not even its age).
func TestFIFOSet(t *testing.T) {
	a, b, c, d := idOfByte(1), idOfByte(2), idOfByte(3), idOfByte(4)
	tests := []struct {
		name     string
		limit    int
		add      []ID
		wantNew  []bool
		wantHas  []ID
		wantGone []ID
	}{
		{name: "under the limit", limit: 3, add: []ID{a, b},
			wantNew: []bool{true, true}, wantHas: []ID{a, b}, wantGone: []ID{c}},
		{name: "the oldest goes", limit: 3, add: []ID{a, b, c, d},
			wantNew: []bool{true, true, true, true}, wantHas: []ID{b, c, d}, wantGone: []ID{a}},
		{name: "round the ring twice", limit: 2, add: []ID{a, b, c, d, a},
			wantNew: []bool{true, true, true, true, true}, wantHas: []ID{d, a}, wantGone: []ID{b, c}},
		{name: "a repeat is not new and does not refresh", limit: 2, add: []ID{a, b, a, c},
			wantNew: []bool{true, true, false, true}, wantHas: []ID{b, c}, wantGone: []ID{a}},
		{name: "limit one", limit: 1, add: []ID{a, b},
			wantNew: []bool{true, true}, wantHas: []ID{b}, wantGone: []ID{a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFIFOSet(tt.limit)
			for i, id := range tt.add {
				assert.Equal(t, tt.wantNew[i], s.add(id), "add #%d", i)
				assert.LessOrEqual(t, s.len(), tt.limit)
			}
			assert.Equal(t, len(tt.wantHas), s.len())
			for _, id := range tt.wantHas {
				assert.True(t, s.has(id), "has %s", id)
			}
			for _, id := range tt.wantGone {
				assert.False(t, s.has(id), "forgot %s", id)
			}
		})
	}
}

// TestFIFOSetBounded: ten times the limit of distinct IDs leaves the
// set at its limit, holding the newest.
func TestFIFOSetBounded(t *testing.T) {
	const limit = 100
	s := newFIFOSet(limit)
	for i := range 10 * limit {
		s.add(blob(i).ID)
	}
	assert.Equal(t, limit, s.len())
	for i := range 10 * limit {
		assert.Equal(t, i >= 9*limit, s.has(blob(i).ID), "item %d", i)
	}
}
