//go:build solution

package discovery

import (
	"math/rand/v2"
	"time"
)

// Backoff returns the wait after attempt failures in a row.
func Backoff(base, limit time.Duration, attempt int, r *rand.Rand) time.Duration {
	if attempt <= 0 || base <= 0 || limit <= 0 {
		return 0
	}
	d := min(base, limit)
	for i := 1; i < attempt && d < limit; i++ {
		if d > limit/2 {
			d = limit
		} else {
			d *= 2
		}
	}
	half := d / 2
	return half + time.Duration(r.Int64N(int64(d-half)+1))
}
