//go:build solution

package simulation

import (
	"math"
	"math/rand/v2"
	"time"
)

// Pareto is a latency distribution with a heavy tail: no message is
// faster than Min, most are close to it, and a few are very slow.
type Pareto struct {
	Min   time.Duration
	Alpha float64
}

// Sample draws one latency from r, by inverting the CDF
// F(x) = 1 - (Min/x)^Alpha: x = Min / u^(1/Alpha) for u uniform in (0, 1].
func (p Pareto) Sample(r *rand.Rand) time.Duration {
	u := 1 - r.Float64() // (0, 1]: never divide by zero
	x := float64(p.Min) / math.Pow(u, 1/p.Alpha)
	if x > float64(ParetoCap) {
		return ParetoCap
	}
	return time.Duration(x)
}
