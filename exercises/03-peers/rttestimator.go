//go:build !solution

package peers

import (
	"time"

	"peerchain/tools/exercise"
)

// RTTEstimator turns round-trip samples into a timeout that fits the
// link, as TCP does (RFC 6298), instead of a fixed PingTimeout. It keeps
// a smoothed round trip, SRTT, and how much samples stray from it,
// RTTVAR:
//
//   - the first sample R sets SRTT = R and RTTVAR = R/2;
//   - each later sample R sets RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
//     with SRTT before this sample, and then SRTT = 7/8 SRTT + 1/8 R;
//   - the timeout is SRTT + 4 RTTVAR, kept within MinTimeout and
//     MaxTimeout, and InitialTimeout before any sample.
//
// A sample of zero or less is a clock error, and is ignored. The zero
// value is ready to use. Add the fields it needs to this struct.
type RTTEstimator struct{}

// Add takes a round-trip sample.
func (e *RTTEstimator) Add(rtt time.Duration) {
	exercise.NotAttempted() // delete this line when you start
}

// Smoothed returns SRTT, or zero before any sample.
func (e *RTTEstimator) Smoothed() time.Duration {
	exercise.NotAttempted() // delete this line when you start
	return 0
}

// Timeout returns how long to wait for the next pong.
func (e *RTTEstimator) Timeout() time.Duration {
	exercise.NotAttempted() // delete this line when you start
	return InitialTimeout
}
