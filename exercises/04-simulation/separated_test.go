package simulation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestSeparated(t *testing.T) {
	halves := [][]int{{0, 1}, {2, 3}}
	tests := []struct {
		name   string
		groups [][]int
		a, b   int
		want   bool
	}{
		{name: "same group", groups: halves, a: 0, b: 1, want: false},
		{name: "different groups", groups: halves, a: 1, b: 2, want: true},
		{name: "a node and itself", groups: halves, a: 3, b: 3, want: false},
		{name: "named and unnamed", groups: [][]int{{0}}, a: 0, b: 5, want: true},
		{name: "both unnamed: the rest is one group", groups: [][]int{{0}}, a: 4, b: 5, want: false},
		{name: "no partition at all", groups: nil, a: 1, b: 2, want: false},
		{name: "three groups", groups: [][]int{{0}, {1}, {2}}, a: 2, b: 0, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, tt.want, Separated(tt.groups, tt.a, tt.b))
			assert.Equal(t, tt.want, Separated(tt.groups, tt.b, tt.a), "either way round")
		})
	}
}
