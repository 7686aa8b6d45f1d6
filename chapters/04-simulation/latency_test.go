package simulation

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestLatencyDistributions samples each distribution 20,000 times with a
// fixed seed and checks what defines it: its bounds, its mean, its median.
func TestLatencyDistributions(t *testing.T) {
	const samples = 20_000
	tests := []struct {
		name       string
		lat        Latency
		min, max   time.Duration // every sample in [min, max]
		mean       time.Duration // if set, the sample mean is within 3%
		median     time.Duration // if set, the sample median is within 3%
		wantString string
	}{
		{name: "constant", lat: Constant{D: 40 * time.Millisecond}, min: 40 * time.Millisecond, max: 40 * time.Millisecond, wantString: "constant 40ms"},
		{name: "uniform", lat: Uniform{Min: 10 * time.Millisecond, Max: 30 * time.Millisecond}, min: 10 * time.Millisecond, max: 30 * time.Millisecond, mean: 20 * time.Millisecond, wantString: "uniform 10ms..30ms"},
		{name: "exponential", lat: Exponential{Mean: 50 * time.Millisecond}, max: MaxLatency, mean: 50 * time.Millisecond, median: time.Duration(0.6931 * float64(50*time.Millisecond)), wantString: "exponential, mean 50ms"},
		{name: "log-normal", lat: LogNormal{Median: 80 * time.Millisecond, Sigma: 0.5}, max: MaxLatency, median: 80 * time.Millisecond, wantString: "log-normal, median 80ms, sigma 0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			got := make([]time.Duration, samples)
			var sum time.Duration
			for i := range got {
				got[i] = tt.lat.Sample(r)
				sum += got[i]
			}
			slices.Sort(got)
			assert.GreaterOrEqual(t, got[0], tt.min)
			assert.LessOrEqual(t, got[samples-1], tt.max)
			if tt.mean != 0 {
				assert.InEpsilon(t, float64(tt.mean), float64(sum/samples), 0.03, "mean")
			}
			if tt.median != 0 {
				assert.InEpsilon(t, float64(tt.median), float64(got[samples/2]), 0.03, "median")
			}
			assert.NoError(t, tt.lat.Validate())
			assert.Equal(t, tt.wantString, tt.lat.(interface{ String() string }).String())
		})
	}
}

func TestLatencyCap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	huge := LogNormal{Median: MaxLatency, Sigma: 3}
	for range 100 {
		assert.LessOrEqual(t, huge.Sample(r), MaxLatency)
	}
}
