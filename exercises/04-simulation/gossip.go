//go:build !solution

package simulation

import (
	"math/rand/v2"
	"time"

	sim "peerchain/chapters/04-simulation"
	"peerchain/tools/exercise"
)

// Gossip is this chapter's lab: a node's machine (a sim.Machine) that
// spreads a rumor to every node that is up, and then stops talking.
//
// The chapter's push gossip (sim.Rumor) never stops, or stops after a
// fixed number of rounds whether everyone knows or not. Yours is graded
// in the simulator (gossip_test.go) on a random 6-regular network of 200
// nodes with latency and lost messages, through a partition that heals
// and through crashes and restarts. It passes when every node that is
// up knows the rumor at the end, and the network sent at most a budget
// of messages per node: a machine that pushes forever is over it, one
// that stops too soon leaves nodes out.
//
// The rules of the game:
//
//   - Learn your peers from PeerConnected and forget them on
//     PeerDisconnected. A PeerID names a connection, not a node: never
//     take it for a node's number, and expect a new one when a node
//     restarts.
//   - Ignore events and messages you do not know: the driver may add
//     more kinds.
//   - A crashed node restarts with a fresh machine and knows nothing.
//   - A partition drops messages silently: nobody is told it began or
//     ended.
//   - Time comes only from now and the timers you set; randomness only
//     from r.
//
// Push-pull and anti-entropy are the classic answers (the chapter page's
// Exercises say more); MsgHave, in have.go, is a digest message for it.
type Gossip struct{}

// NewGossip returns a node's machine; rumor is set on the node where the
// rumor starts, and nil elsewhere.
func NewGossip(rumor *sim.MsgRumor, r *rand.Rand) *Gossip {
	exercise.NotAttempted() // delete this line when you start
	return &Gossip{}
}

// Informed reports whether the node knows the rumor.
func (g *Gossip) Informed() bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// Handle implements sim.Machine.
func (g *Gossip) Handle(now time.Time, ev sim.Event) []sim.Action {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
