//go:build !solution

package peers

import (
	"time"

	"peerchain/tools/exercise"
)

// PingTracker remembers the pings sent to one peer that are still waiting
// for their pong: several at a time, unlike the chapter's peer, which
// sends a ping only when none is outstanding. It holds a limited number;
// a ping sent when that many are outstanding pushes out the oldest.
//
// It is not safe for concurrent use: its owner makes one call at a time.
// Add the fields it needs to this struct.
type PingTracker struct{}

// NewPingTracker returns a tracker with no ping outstanding that holds
// at most limit pings (and at least 1).
func NewPingTracker(limit int) *PingTracker {
	exercise.NotAttempted() // delete this line when you start
	return &PingTracker{}
}

// Sent records that a ping with nonce was sent at time at. Sending a
// nonce that is outstanding already starts its clock again, and makes it
// the newest: "oldest" always means the longest since its last send.
// The times given to Sent never go back.
func (t *PingTracker) Sent(nonce uint64, at time.Time) {
	exercise.NotAttempted() // delete this line when you start
}

// Pong reports a pong with nonce that arrived at time at. If it answers
// an outstanding ping, Pong forgets that ping and returns the round trip;
// otherwise (never sent, answered already, pushed out) it returns false.
func (t *PingTracker) Pong(nonce uint64, at time.Time) (time.Duration, bool) {
	exercise.NotAttempted() // delete this line when you start
	return 0, false
}

// Overdue reports whether some outstanding ping was sent timeout or more
// before now: the peer should be dropped.
func (t *PingTracker) Overdue(now time.Time, timeout time.Duration) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// Outstanding returns how many pings wait for their pong.
func (t *PingTracker) Outstanding() int {
	exercise.NotAttempted() // delete this line when you start
	return 0
}
