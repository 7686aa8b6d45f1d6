//go:build !solution

package broadcast

import (
	"math/rand/v2"
	"time"

	"peerchain/tools/exercise"
)

// Jitter returns a batching delay around mean, as Bitcoin's trickle
// timer draws it: uniformly from [mean/2, 3·mean/2), with r.Int64N, so
// that no hop waits more than half again the mean and no observer can
// time an item back to the node it came from. A mean that is not
// positive means no wait: 0.
func Jitter(mean time.Duration, r *rand.Rand) time.Duration {
	exercise.NotAttempted() // delete this line when you start
	return 0
}
