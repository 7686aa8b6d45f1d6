//go:build !solution

package simulation

import (
	"math/rand/v2"
	"time"

	"peerchain/tools/exercise"
)

// Pareto is a latency distribution with a heavy tail: no message is
// faster than Min, most are close to it, and a few are very slow. The
// smaller Alpha, the heavier the tail.
//
// Sample draws one latency with the inverse of the distribution's CDF:
// take u = 1 - r.Float64(), uniform in (0, 1] (r.Float64() itself can be
// 0, and Min / 0 is no latency), and return Min / u^(1/Alpha), or
// ParetoCap if that is longer.
type Pareto struct {
	Min   time.Duration
	Alpha float64
}

// Sample draws one latency from r.
func (p Pareto) Sample(r *rand.Rand) time.Duration {
	exercise.NotAttempted() // delete this line when you start
	return p.Min
}
