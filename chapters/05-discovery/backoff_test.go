package discovery

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name           string
		base, limit    time.Duration
		attempt        int
		wantLo, wantHi time.Duration
	}{
		{name: "no failure, no wait", base: time.Second, limit: time.Minute, attempt: 0},
		{name: "first failure: base", base: time.Second, limit: time.Minute, attempt: 1, wantLo: 500 * time.Millisecond, wantHi: time.Second},
		{name: "second: twice", base: time.Second, limit: time.Minute, attempt: 2, wantLo: time.Second, wantHi: 2 * time.Second},
		{name: "fifth: sixteen times", base: time.Second, limit: time.Minute, attempt: 5, wantLo: 8 * time.Second, wantHi: 16 * time.Second},
		{name: "capped", base: time.Second, limit: time.Minute, attempt: 7, wantLo: 30 * time.Second, wantHi: time.Minute},
		{name: "a thousand failures do not overflow", base: time.Second, limit: time.Hour, attempt: 1000, wantLo: 30 * time.Minute, wantHi: time.Hour},
		{name: "the longest cap does not overflow", base: time.Second, limit: math.MaxInt64, attempt: 100, wantLo: math.MaxInt64 / 2, wantHi: math.MaxInt64},
		{name: "base over the cap", base: time.Hour, limit: time.Minute, attempt: 1, wantLo: 30 * time.Second, wantHi: time.Minute},
		{name: "no base", base: 0, limit: time.Minute, attempt: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			seenLo, seenHi := tt.wantHi, tt.wantLo
			for range 2000 {
				d := Backoff(tt.base, tt.limit, tt.attempt, r)
				assert.GreaterOrEqual(t, d, tt.wantLo)
				assert.LessOrEqual(t, d, tt.wantHi)
				seenLo, seenHi = min(seenLo, d), max(seenHi, d)
			}
			if tt.wantHi > tt.wantLo {
				spread := tt.wantHi - tt.wantLo
				assert.Less(t, seenLo-tt.wantLo, spread/10, "jitter reaches down to half")
				assert.Less(t, tt.wantHi-seenHi, spread/10, "and up to the whole")
			}
		})
	}
}
