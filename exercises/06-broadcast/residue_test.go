package broadcast

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestResidue(t *testing.T) {
	// The roots, found by bisection apart from this code. k = 1 is
	// the 0.203 of Maki and Thompson's rumor model.
	tests := []struct {
		name string
		k    int
		want float64
	}{
		{name: "k = 1", k: 1, want: 0.20318786997997987},
		{name: "k = 2", k: 2, want: 0.05952020929264037},
		{name: "k = 3", k: 3, want: 0.01982740128177841},
		{name: "k = 4", k: 4, want: 0.006977153651144734},
		{name: "k = 5", k: 5, want: 0.0025164622662342626},
		{name: "k = 0: nobody goes on telling", k: 0, want: 1},
		{name: "a negative k is k = 0", k: -3, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			s := Residue(tt.k)
			assert.InDelta(t, tt.want, s, 1e-9)
			if tt.k >= 1 {
				c := float64(tt.k + 1)
				assert.InDelta(t, s, math.Exp(-c*(1-s)), 1e-9, "s solves the equation")
			}
		})
	}
}

// TestResidue_Falls: a larger k (more calls before losing interest)
// leaves fewer out,
// about e^-1 as many once k is large: s ≈ e^-(k+1), within 5% from
// k = 4 on.
func TestResidue_Falls(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	prev := Residue(1)
	for k := 2; k <= 12; k++ {
		s := Residue(k)
		assert.Less(t, s, prev, "k=%d leaves fewer out than k=%d", k, k-1)
		assert.Greater(t, s, 0.0, "k=%d leaves someone out", k)
		if k >= 4 {
			assert.InEpsilon(t, math.Exp(-float64(k+1)), s, 0.05, "k=%d: s ≈ e^-(k+1)", k)
		}
		prev = s
	}
}
