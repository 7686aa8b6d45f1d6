package peers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

// ptStart is when the pings of TestPingTracker are sent: ptAt(10) is 10
// milliseconds after it. The test's helpers start with pt, so that they
// do not collide with names you pick.
var ptStart = time.Date(2009, 1, 3, 18, 15, 5, 0, time.UTC)

func ptAt(n int) time.Time { return ptStart.Add(time.Duration(n) * time.Millisecond) }

// A ptCall is one step of a TestPingTracker row: a ptCall on the tracker,
// and a check of what it returned.
type ptCall func(t *testing.T, tr *PingTracker)

func ptSent(nonce uint64, at time.Time) ptCall {
	return func(t *testing.T, tr *PingTracker) { tr.Sent(nonce, at) }
}

// ptPong expects the pong to answer a ping, after rtt.
func ptPong(nonce uint64, at time.Time, rtt time.Duration) ptCall {
	return func(t *testing.T, tr *PingTracker) {
		got, ok := tr.Pong(nonce, at)
		assert.True(t, ok, "pong %d answers a ping", nonce)
		assert.Equal(t, rtt, got, "pong %d's round trip", nonce)
	}
}

// ptStray expects the pong to answer nothing.
func ptStray(nonce uint64, at time.Time) ptCall {
	return func(t *testing.T, tr *PingTracker) {
		got, ok := tr.Pong(nonce, at)
		assert.False(t, ok, "pong %d answers nothing", nonce)
		assert.Zero(t, got, "pong %d's round trip", nonce)
	}
}

func ptOverdue(now time.Time, timeout time.Duration, want bool) ptCall {
	return func(t *testing.T, tr *PingTracker) {
		assert.Equal(t, want, tr.Overdue(now, timeout), "overdue at %v, timeout %v", now.Sub(ptStart), timeout)
	}
}

func TestPingTracker(t *testing.T) {
	const milli = time.Millisecond
	tests := []struct {
		name            string
		limit           int
		calls           []ptCall
		wantOutstanding int
	}{
		{name: "nothing sent", limit: 3, calls: []ptCall{ptOverdue(ptAt(1000), milli, false)}},
		{name: "a pong answers its ping", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptPong(1, ptAt(40), 40*milli),
		}},
		{name: "pongs out of order", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(10)), ptSent(3, ptAt(20)),
			ptPong(2, ptAt(25), 15*milli), ptPong(3, ptAt(30), 10*milli),
		}, wantOutstanding: 1},
		{name: "a pong nobody asked for", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptStray(9, ptAt(5)),
		}, wantOutstanding: 1},
		{name: "a second pong for one ping", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptPong(1, ptAt(5), 5*milli), ptStray(1, ptAt(6)),
		}},
		{name: "the oldest is pushed out", limit: 2, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(10)), ptSent(3, ptAt(20)),
			ptStray(1, ptAt(30)), ptPong(2, ptAt(30), 20*milli),
		}, wantOutstanding: 1},
		{name: "a nonce sent again", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(1, ptAt(50)), ptPong(1, ptAt(60), 10*milli),
		}},
		{name: "a nonce sent again is the newest, not pushed out first", limit: 2, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(10)), ptSent(1, ptAt(20)), ptSent(3, ptAt(30)),
			ptStray(2, ptAt(40)), ptPong(1, ptAt(40), 20*milli),
		}, wantOutstanding: 1},
		{name: "a nonce sent again is overdue from its last send", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(10)), ptSent(1, ptAt(50)),
			ptOverdue(ptAt(109), 100*milli, false), ptOverdue(ptAt(110), 100*milli, true),
		}, wantOutstanding: 2},
		{name: "a limit of zero holds one", limit: 0, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(1)), ptStray(1, ptAt(2)), ptPong(2, ptAt(3), 2*milli),
		}},
		{name: "overdue at the timeout, not before", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(50)),
			ptOverdue(ptAt(99), 100*milli, false), ptOverdue(ptAt(100), 100*milli, true),
		}, wantOutstanding: 2},
		{name: "an answered ping is not overdue", limit: 3, calls: []ptCall{
			ptSent(1, ptAt(0)), ptSent(2, ptAt(50)), ptPong(1, ptAt(60), 60*milli),
			ptOverdue(ptAt(120), 100*milli, false), ptOverdue(ptAt(150), 100*milli, true),
		}, wantOutstanding: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			tr := NewPingTracker(tt.limit)
			for _, c := range tt.calls {
				c(t, tr)
			}
			assert.Equal(t, tt.wantOutstanding, tr.Outstanding(), "pings outstanding at the end")
		})
	}
}

// TestPingTracker_Bounded sends far more pings than the limit, none
// answered: the tracker never holds more than its limit.
func TestPingTracker_Bounded(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	const limit = 8
	tr := NewPingTracker(limit)
	for n := range 10_000 {
		tr.Sent(uint64(n+1), ptAt(n))
	}
	assert.Equal(t, limit, tr.Outstanding())
	_, ok := tr.Pong(10_000, ptAt(20_000))
	assert.True(t, ok, "the newest is kept")
	_, ok = tr.Pong(1, ptAt(20_000))
	assert.False(t, ok, "the oldest was pushed out")
}
