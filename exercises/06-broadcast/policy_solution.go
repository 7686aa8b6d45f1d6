//go:build solution

package broadcast

import (
	"math/rand/v2"
	"time"

	sim "peerchain/chapters/04-simulation"
	bc "peerchain/chapters/06-broadcast"
)

// labPushDelays are the reference policy's mean waits of a push, by
// the hops the item has come: none where it was published, since a
// wait there delays every node; the longest one hop out, where a node
// hears from most of its peers at once, so one message carries most.
var labPushDelays = []time.Duration{0, 50 * time.Millisecond,
	25 * time.Millisecond}

// labAnnounceDelay is the mean wait of an announcement that finds no
// push to ride on: Bitcoin's trickle to inbound peers. Announcements
// only mend a tree, so they need not hurry.
const labAnnounceDelay = 5 * time.Second

// LabPolicy pushes along the trees and announces on the other links,
// each after a randomized wait, and asks again of a random announcer.
type LabPolicy struct{}

// Route pushes on eager links and announces on the others.
func (LabPolicy) Route(_ sim.PeerID, links []bc.Link) []bc.How {
	out := make([]bc.How, len(links))
	for i, l := range links {
		switch {
		case l.Knows:
			out[i] = bc.Skip
		case l.Eager:
			out[i] = bc.Push
		default:
			out[i] = bc.Announce
		}
	}
	return out
}

// Flush draws a push's wait around labPushDelays[hops] (the last entry
// for every later hop), an announcement's around labAnnounceDelay.
func (LabPolicy) Flush(how bc.How, hops int, r *rand.Rand) time.Duration {
	if how == bc.Announce {
		return Jitter(labAnnounceDelay, r)
	}
	hops = min(max(hops, 0), len(labPushDelays)-1)
	return Jitter(labPushDelays[hops], r)
}

// Retry asks a random announcer: the one that did not answer may be
// slow, and the others are as likely to have the item.
func (LabPolicy) Retry(candidates []sim.PeerID, r *rand.Rand) sim.PeerID {
	return candidates[r.IntN(len(candidates))]
}
