package broadcast

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestJitter(t *testing.T) {
	tests := []struct {
		name           string
		mean           time.Duration
		wantLo, wantHi time.Duration // wantLo <= d < wantHi; both 0: d is 0
	}{
		{name: "a second", mean: time.Second, wantLo: 500 * time.Millisecond, wantHi: 1500 * time.Millisecond},
		{name: "Bitcoin's outbound trickle", mean: 2 * time.Second, wantLo: time.Second, wantHi: 3 * time.Second},
		{name: "one nanosecond", mean: 1, wantLo: 0, wantHi: 2},
		{name: "three nanoseconds", mean: 3, wantLo: 1, wantHi: 5},
		{name: "no mean, no wait", mean: 0},
		{name: "a negative mean, no wait", mean: -time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			r := rand.New(rand.NewPCG(6, 1))
			for range 1000 {
				d := Jitter(tt.mean, r)
				if tt.wantHi == 0 {
					if !assert.Zero(t, d) {
						return
					}
					continue
				}
				if !assert.GreaterOrEqual(t, d, tt.wantLo) || !assert.Less(t, d, tt.wantHi) {
					return
				}
			}
		})
	}
}

// TestJitter_Spread: the delays cover the whole window evenly, so the
// mean is the mean asked for and no tenth of the window is left out.
func TestJitter_Spread(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const mean, draws, bins = 100 * time.Millisecond, 10_000, 10
	r := rand.New(rand.NewPCG(6, 2))
	var sum time.Duration
	var hist [bins]int
	for range draws {
		d := Jitter(mean, r)
		sum += d
		bin := int((d - mean/2) * bins / mean)
		if bin >= 0 && bin < bins {
			hist[bin]++
		}
	}
	avg := sum / draws
	assert.InDelta(t, float64(mean), float64(avg), float64(2*time.Millisecond), "the average delay")
	for i, n := range hist {
		// 1,000 expected in each tenth; 3 standard deviations is ~95.
		assert.InDelta(t, draws/bins, n, 150, "draws in tenth %d of the window", i)
	}
}

// TestJitter_Seeded: the same seed gives the same delays, and the
// delays come from r, not from a source of their own.
func TestJitter_Seeded(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	draw := func(seed uint64) []time.Duration {
		r := rand.New(rand.NewPCG(seed, 3))
		out := make([]time.Duration, 20)
		for i := range out {
			out[i] = Jitter(time.Second, r)
		}
		return out
	}
	assert.Equal(t, draw(1), draw(1), "same seed, same delays")
	assert.NotEqual(t, draw(1), draw(2), "another seed, other delays")
}
