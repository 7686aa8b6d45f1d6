//go:build solution

package peers

import (
	"slices"
	"time"
)

// PingTracker remembers the pings sent to one peer that are still waiting
// for their pong, at most limit of them, oldest first.
type PingTracker struct {
	limit int
	sent  []outstanding // in the order sent: the oldest first
}

type outstanding struct {
	nonce uint64
	at    time.Time
}

// NewPingTracker returns a tracker with no ping outstanding that holds
// at most limit pings (and at least 1).
func NewPingTracker(limit int) *PingTracker {
	return &PingTracker{limit: max(limit, 1)}
}

// Sent records that a ping with nonce was sent at time at.
func (t *PingTracker) Sent(nonce uint64, at time.Time) {
	t.forget(nonce) // sent again: only the new one counts
	if len(t.sent) == t.limit {
		t.sent = t.sent[1:]
	}
	t.sent = append(t.sent, outstanding{nonce: nonce, at: at})
}

// Pong returns the round trip of the outstanding ping with nonce, and
// forgets it.
func (t *PingTracker) Pong(nonce uint64, at time.Time) (time.Duration, bool) {
	i := t.index(nonce)
	if i < 0 {
		return 0, false
	}
	rtt := at.Sub(t.sent[i].at)
	t.sent = slices.Delete(t.sent, i, i+1)
	return rtt, true
}

// Overdue reports whether some outstanding ping was sent timeout or more
// before now. Pings are kept oldest first, so the first is the one to check.
func (t *PingTracker) Overdue(now time.Time, timeout time.Duration) bool {
	return len(t.sent) > 0 && now.Sub(t.sent[0].at) >= timeout
}

// Outstanding returns how many pings wait for their pong.
func (t *PingTracker) Outstanding() int { return len(t.sent) }

func (t *PingTracker) index(nonce uint64) int {
	return slices.IndexFunc(t.sent, func(o outstanding) bool { return o.nonce == nonce })
}

func (t *PingTracker) forget(nonce uint64) {
	if i := t.index(nonce); i >= 0 {
		t.sent = slices.Delete(t.sent, i, i+1)
	}
}
