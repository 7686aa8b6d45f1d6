package peers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

// start is when the pings of TestPingTracker are sent: ms(10) is 10
// milliseconds after it.
var start = time.Date(2009, 1, 3, 18, 15, 5, 0, time.UTC)

func ms(n int) time.Time { return start.Add(time.Duration(n) * time.Millisecond) }

// A call is one step of a TestPingTracker row: a call on the tracker, and
// a check of what it returned.
type call func(t *testing.T, tr *PingTracker)

func sent(nonce uint64, at time.Time) call {
	return func(t *testing.T, tr *PingTracker) { tr.Sent(nonce, at) }
}

// pong expects the pong to answer a ping, after rtt.
func pong(nonce uint64, at time.Time, rtt time.Duration) call {
	return func(t *testing.T, tr *PingTracker) {
		got, ok := tr.Pong(nonce, at)
		assert.True(t, ok, "pong %d answers a ping", nonce)
		assert.Equal(t, rtt, got, "pong %d's round trip", nonce)
	}
}

// stray expects the pong to answer nothing.
func stray(nonce uint64, at time.Time) call {
	return func(t *testing.T, tr *PingTracker) {
		got, ok := tr.Pong(nonce, at)
		assert.False(t, ok, "pong %d answers nothing", nonce)
		assert.Zero(t, got, "pong %d's round trip", nonce)
	}
}

func overdue(now time.Time, timeout time.Duration, want bool) call {
	return func(t *testing.T, tr *PingTracker) {
		assert.Equal(t, want, tr.Overdue(now, timeout), "overdue at %v, timeout %v", now.Sub(start), timeout)
	}
}

func TestPingTracker(t *testing.T) {
	const milli = time.Millisecond
	tests := []struct {
		name            string
		limit           int
		calls           []call
		wantOutstanding int
	}{
		{name: "nothing sent", limit: 3, calls: []call{overdue(ms(1000), milli, false)}},
		{name: "a pong answers its ping", limit: 3, calls: []call{
			sent(1, ms(0)), pong(1, ms(40), 40*milli),
		}},
		{name: "pongs out of order", limit: 3, calls: []call{
			sent(1, ms(0)), sent(2, ms(10)), sent(3, ms(20)),
			pong(2, ms(25), 15*milli), pong(3, ms(30), 10*milli),
		}, wantOutstanding: 1},
		{name: "a pong nobody asked for", limit: 3, calls: []call{
			sent(1, ms(0)), stray(9, ms(5)),
		}, wantOutstanding: 1},
		{name: "a second pong for one ping", limit: 3, calls: []call{
			sent(1, ms(0)), pong(1, ms(5), 5*milli), stray(1, ms(6)),
		}},
		{name: "the oldest is pushed out", limit: 2, calls: []call{
			sent(1, ms(0)), sent(2, ms(10)), sent(3, ms(20)),
			stray(1, ms(30)), pong(2, ms(30), 20*milli),
		}, wantOutstanding: 1},
		{name: "a nonce sent again", limit: 3, calls: []call{
			sent(1, ms(0)), sent(1, ms(50)), pong(1, ms(60), 10*milli),
		}},
		{name: "a limit of zero holds one", limit: 0, calls: []call{
			sent(1, ms(0)), sent(2, ms(1)), stray(1, ms(2)), pong(2, ms(3), 2*milli),
		}},
		{name: "overdue at the timeout, not before", limit: 3, calls: []call{
			sent(1, ms(0)), sent(2, ms(50)),
			overdue(ms(99), 100*milli, false), overdue(ms(100), 100*milli, true),
		}, wantOutstanding: 2},
		{name: "an answered ping is not overdue", limit: 3, calls: []call{
			sent(1, ms(0)), sent(2, ms(50)), pong(1, ms(60), 60*milli),
			overdue(ms(120), 100*milli, false), overdue(ms(150), 100*milli, true),
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
		tr.Sent(uint64(n+1), ms(n))
	}
	assert.Equal(t, limit, tr.Outstanding())
	_, ok := tr.Pong(10_000, ms(20_000))
	assert.True(t, ok, "the newest is kept")
	_, ok = tr.Pong(1, ms(20_000))
	assert.False(t, ok, "the oldest was pushed out")
}
