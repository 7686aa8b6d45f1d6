package discovery

import (
	"math/rand/v2"
	"time"
)

// docs:begin backoff

// Backoff is how long to wait before dialing an address again after
// attempt failures in a row: base, doubled for each failure after the
// first, never more than limit, and then "equal jitter": half of it
// fixed and the other half drawn at random, so that nodes that lost the
// same peer at the same moment do not all come back at the same moment.
// No failure, or a base or limit that is not positive: no wait.
func Backoff(base, limit time.Duration, attempt int,
	r *rand.Rand) time.Duration {
	if attempt <= 0 || base <= 0 || limit <= 0 {
		return 0
	}
	d := min(base, limit)
	for i := 1; i < attempt && d < limit; i++ {
		if d > limit/2 {
			d = limit // and no 2*d that could overflow
		} else {
			d *= 2
		}
	}
	half := d / 2
	return half + time.Duration(r.Int64N(int64(d-half)+1))
}

// docs:end backoff
