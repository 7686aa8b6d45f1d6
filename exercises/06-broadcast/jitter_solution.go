//go:build solution

package broadcast

import (
	"math/rand/v2"
	"time"
)

// Jitter returns a delay drawn uniformly from [mean/2, 3·mean/2).
func Jitter(mean time.Duration, r *rand.Rand) time.Duration {
	if mean <= 0 {
		return 0
	}
	return mean/2 + time.Duration(r.Int64N(int64(mean)))
}
