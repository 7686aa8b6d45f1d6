package peers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestRTTEstimator(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name         string
		samples      []time.Duration
		wantSmoothed time.Duration
		wantTimeout  time.Duration
	}{
		{name: "no samples", wantTimeout: InitialTimeout},
		// SRTT 400, RTTVAR 200: 400 + 4*200.
		{name: "one sample", samples: []time.Duration{400 * ms}, wantSmoothed: 400 * ms, wantTimeout: 1200 * ms},
		// RTTVAR 3/4*200 + 1/4*0 = 150: 400 + 4*150.
		{name: "the same again", samples: []time.Duration{400 * ms, 400 * ms}, wantSmoothed: 400 * ms, wantTimeout: 1000 * ms},
		// RTTVAR 150 + 1/4*400 = 250, SRTT 350 + 100 = 450: 450 + 4*250.
		{name: "a slower one", samples: []time.Duration{400 * ms, 800 * ms}, wantSmoothed: 450 * ms, wantTimeout: 1450 * ms},
		// RTTVAR 150 + 1/4*320 = 230, SRTT 350 + 10 = 360: 360 + 4*230.
		{name: "a faster one", samples: []time.Duration{400 * ms, 80 * ms}, wantSmoothed: 360 * ms, wantTimeout: 1280 * ms},
		{name: "a fast link", samples: []time.Duration{ms}, wantSmoothed: ms, wantTimeout: MinTimeout},
		{name: "a terrible link", samples: []time.Duration{30 * time.Second}, wantSmoothed: 30 * time.Second, wantTimeout: MaxTimeout},
		{name: "clock errors are ignored", samples: []time.Duration{0, -5 * ms, 400 * ms, -1}, wantSmoothed: 400 * ms, wantTimeout: 1200 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			var e RTTEstimator
			for _, s := range tt.samples {
				e.Add(s)
			}
			assert.InDelta(t, tt.wantSmoothed, e.Smoothed(), float64(time.Microsecond), "smoothed")
			assert.InDelta(t, tt.wantTimeout, e.Timeout(), float64(time.Microsecond), "timeout")
		})
	}
}

// TestRTTEstimator_Settles feeds one outlier and then a steady link: the
// timeout comes down to the link's round trip, as RTTVAR fades.
func TestRTTEstimator_Settles(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const steady = 300 * time.Millisecond
	var e RTTEstimator
	e.Add(3 * time.Second)
	assert.Equal(t, 9*time.Second, e.Timeout(), "after the outlier: 3 s + 4 * 1.5 s")
	for range 200 {
		e.Add(steady)
	}
	assert.InDelta(t, steady, e.Smoothed(), float64(time.Millisecond))
	assert.InDelta(t, steady, e.Timeout(), float64(time.Millisecond))
}
