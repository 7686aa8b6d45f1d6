package discovery

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name           string
		base, limit    time.Duration
		attempt        int
		wantLo, wantHi time.Duration
	}{
		{name: "no failure, no wait", base: time.Second, limit: time.Minute, attempt: 0},
		{name: "first failure", base: time.Second, limit: time.Minute, attempt: 1, wantLo: 500 * time.Millisecond, wantHi: time.Second},
		{name: "third failure", base: time.Second, limit: time.Minute, attempt: 3, wantLo: 2 * time.Second, wantHi: 4 * time.Second},
		{name: "capped", base: time.Second, limit: time.Minute, attempt: 10, wantLo: 30 * time.Second, wantHi: time.Minute},
		{name: "no overflow", base: time.Second, limit: math.MaxInt64, attempt: 1000, wantLo: math.MaxInt64 / 2, wantHi: math.MaxInt64},
		{name: "no base", base: 0, limit: time.Minute, attempt: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			r := rand.New(rand.NewPCG(1, 1))
			for range 500 {
				d := Backoff(tt.base, tt.limit, tt.attempt, r)
				assert.GreaterOrEqual(t, d, tt.wantLo)
				assert.LessOrEqual(t, d, tt.wantHi)
			}
		})
	}
}

// TestBackoff_Jitter: two nodes that failed at once do not come back
// at once: the waits spread over the upper half.
func TestBackoff_Jitter(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	r := rand.New(rand.NewPCG(2, 2))
	seen := map[time.Duration]bool{}
	lo, hi := time.Hour, time.Duration(0)
	for range 1000 {
		d := Backoff(time.Second, time.Hour, 4, r)
		seen[d] = true
		lo, hi = min(lo, d), max(hi, d)
	}
	assert.Greater(t, len(seen), 900, "nearly every wait different")
	assert.Less(t, lo, 4200*time.Millisecond)
	assert.Greater(t, hi, 7800*time.Millisecond)
}
