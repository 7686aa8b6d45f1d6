package simulation

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

// TestPareto samples each distribution 20,000 times with a fixed seed and
// checks what defines it: nothing below Min, a median of Min × 2^(1/Alpha),
// and a tail as heavy as Alpha says.
func TestPareto(t *testing.T) {
	const n = 20_000
	tests := []struct {
		name string
		p    Pareto
	}{
		{name: "moderate tail", p: Pareto{Min: 20 * time.Millisecond, Alpha: 2}},
		{name: "heavy tail", p: Pareto{Min: 10 * time.Millisecond, Alpha: 1.2}},
		{name: "light tail", p: Pareto{Min: 50 * time.Millisecond, Alpha: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			r := rand.New(rand.NewPCG(4, 2))
			got := make([]time.Duration, n)
			for i := range got {
				got[i] = tt.p.Sample(r)
			}
			slices.Sort(got)
			assert.GreaterOrEqual(t, got[0], tt.p.Min, "never faster than Min")
			median := float64(tt.p.Min) * math.Pow(2, 1/tt.p.Alpha)
			assert.InEpsilon(t, median, float64(got[n/2]), 0.05, "median")
			// The tail: P(X > 3 Min) = 3^-Alpha.
			over := 0
			for _, d := range got {
				if d > 3*tt.p.Min {
					over++
				}
			}
			assert.InEpsilon(t, math.Pow(3, -tt.p.Alpha), float64(over)/n, 0.25, "share over 3 × Min")
		})
	}
}

func TestPareto_Deterministic(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	p := Pareto{Min: time.Millisecond, Alpha: 1.5}
	a, b := rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(1, 1))
	for range 100 {
		assert.Equal(t, p.Sample(a), p.Sample(b), "the same seed gives the same samples")
	}
}

// paretoSource is a random source that always returns the same number, so
// that a test can make r.Float64() return exactly 0 or almost 1.
type paretoSource uint64

func (s paretoSource) Uint64() uint64 { return uint64(s) }

// TestPareto_Extremes draws with the smallest and the largest numbers
// r.Float64() can return.
func TestPareto_Extremes(t *testing.T) {
	p := Pareto{Min: 20 * time.Millisecond, Alpha: 1.5}
	tests := []struct {
		name   string
		source paretoSource
		want   time.Duration
	}{
		// r.Float64() is 0, so u is 1: the fastest latency there is.
		{name: "r.Float64() = 0 gives Min, not a division by zero", source: 0, want: p.Min},
		// r.Float64() is 1 - 2^-53, so u is 2^-53: Min × 2^(53/1.5) is
		// some 10^9 years.
		{name: "the slowest draw is cut to ParetoCap", source: 1<<64 - 1, want: ParetoCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, tt.want, p.Sample(rand.New(tt.source)))
		})
	}
}
