package simulation

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/exercise"
)

func prCount(xs []bool) int {
	k := 0
	for _, x := range xs {
		if x {
			k++
		}
	}
	return k
}

func TestPushRound(t *testing.T) {
	tests := []struct {
		name     string
		informed []bool
		fanout   int
		want     []bool // exact result, when chance plays no part
		wantMin  int    // otherwise, bounds on how many know it after
		wantMax  int
	}{
		{name: "two nodes: the other is told", informed: []bool{true, false}, fanout: 1, want: []bool{true, true}},
		{name: "two nodes: told from the other side", informed: []bool{false, true}, fanout: 1, want: []bool{true, true}},
		{name: "nobody knows", informed: []bool{false, false, false}, fanout: 3, want: []bool{false, false, false}},
		{name: "one of many: exactly one more", informed: prOneOf(1000), fanout: 1, wantMin: 2, wantMax: 2},
		{name: "fanout 3 from one: up to three more", informed: prOneOf(1000), fanout: 3, wantMin: 2, wantMax: 4},
		// Each of the 500 others is missed by all 500 pushes with chance
		// (1 - 1/999)^500, about 0.61: some 197 of them learn it.
		{name: "half know: about 40% of the rest learn it", informed: prHalfOf(1000), fanout: 1, wantMin: 650, wantMax: 750},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			before := append([]bool(nil), tt.informed...)
			got := PushRound(tt.informed, tt.fanout, rand.New(rand.NewPCG(1, 2)))
			require.Len(t, got, len(tt.informed))
			assert.Equal(t, before, tt.informed, "the input is left as it was")
			for i := range before {
				if before[i] {
					assert.True(t, got[i], "node %d knew it and still does", i)
				}
			}
			if tt.want != nil {
				assert.Equal(t, tt.want, got)
				return
			}
			assert.GreaterOrEqual(t, prCount(got), tt.wantMin)
			assert.LessOrEqual(t, prCount(got), tt.wantMax)
		})
	}
}

// TestPushRound_Uniform: with one informed node and fanout 1, the
// told node is some other node, and over many rounds every other node is
// chosen about equally often.
func TestPushRound_Uniform(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const n, rounds = 10, 9000
	r := rand.New(rand.NewPCG(3, 3))
	hits := make([]int, n)
	for range rounds {
		got := PushRound(prOneOf(n), 1, r)
		require.True(t, got[0])
		for i := 1; i < n; i++ {
			if got[i] {
				hits[i]++
			}
		}
	}
	for i := 1; i < n; i++ {
		assert.InEpsilon(t, rounds/(n-1), hits[i], 0.1, "node %d told about as often as the others", i)
	}
}

// TestPushRound_Pittel repeats rounds until everyone knows: on average
// it takes about log2 n + ln n rounds, Pittel's result.
func TestPushRound_Pittel(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const n, runs = 1000, 50
	r := rand.New(rand.NewPCG(5, 5))
	total := 0
	for range runs {
		informed := prOneOf(n)
		rounds := 0
		for prCount(informed) < n && rounds < 1000 {
			informed = PushRound(informed, 1, r)
			rounds++
		}
		total += rounds
	}
	theory := math.Log2(n) + math.Log(n)
	assert.InDelta(t, theory, float64(total)/runs, 2, "mean rounds against log2 n + ln n")
}

func prOneOf(n int) []bool {
	xs := make([]bool, n)
	xs[0] = true
	return xs
}

func prHalfOf(n int) []bool {
	xs := make([]bool, n)
	for i := range n / 2 {
		xs[i] = true
	}
	return xs
}
