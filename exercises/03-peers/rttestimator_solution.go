//go:build solution

package peers

import "time"

// RTTEstimator turns round-trip samples into a timeout that fits the
// link, as TCP does (RFC 6298).
type RTTEstimator struct {
	srtt, rttvar time.Duration
	sampled      bool
}

// Add takes a round-trip sample.
func (e *RTTEstimator) Add(rtt time.Duration) {
	switch {
	case rtt <= 0:
		return
	case !e.sampled:
		e.srtt, e.rttvar, e.sampled = rtt, rtt/2, true
		return
	}
	diff := e.srtt - rtt
	if diff < 0 {
		diff = -diff
	}
	e.rttvar = (3*e.rttvar + diff) / 4
	e.srtt = (7*e.srtt + rtt) / 8
}

// Smoothed returns SRTT, or zero before any sample.
func (e *RTTEstimator) Smoothed() time.Duration { return e.srtt }

// Timeout returns how long to wait for the next pong.
func (e *RTTEstimator) Timeout() time.Duration {
	if !e.sampled {
		return InitialTimeout
	}
	return min(max(e.srtt+4*e.rttvar, MinTimeout), MaxTimeout)
}
