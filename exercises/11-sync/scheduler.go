//go:build !solution

package sync

import (
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
)

// LabScheduler is this chapter's lab: the download's chapter.Scheduler,
// which decides which peer fetches which block of the window. The
// download does the rest: it offers you, after every event, the blocks
// of the window that nobody is fetching and that have not come (want,
// oldest first), and the peers it may ask now (peers, in the order
// they came: each with how many blocks it has in flight and how far
// its headers show it has the best chain); it sends the getblockdata
// messages you answer, connects the blocks in order as they come, and
// drops a peer that stalls the window.
//
// It is graded (scheduler_test.go) on hand-built rows, then in the
// chapter's simulator, a fresh node syncing from four peers: all
// honest; one that never sends a block; one that is slow; one whose
// headers stop short. Every answer you give is checked. The rules:
//
//   - ask only for blocks of want, each of one peer at most;
//   - ask a peer only for blocks its headers show it has (Height up
//     to its Has);
//   - never let a peer have more than perPeer (MaxInFlightPerPeer)
//     blocks in flight: what it has, plus what you ask now;
//   - the window moves on only when its oldest block comes: ask for
//     the oldest ones first, and keep every peer busy that can be, so
//     that the download uses all its peers and finishes in time.
//
// A LabScheduler lives as long as its node: you may give it fields,
// but the want and peers of each call are the truth. `go run
// ./chapters/11-sync/cmd/ibd -lab` runs the demo on yours.
//
// Write it without chapter.InOrder (it is an answer).
type LabScheduler struct{}

var _ chapter.Scheduler = (*LabScheduler)(nil)

// Schedule implements chapter.Scheduler.
func (l *LabScheduler) Schedule(want []chapter.Wanted,
	peers []chapter.PeerLoad, perPeer int) []chapter.Request {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
