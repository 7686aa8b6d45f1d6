package broadcast

import (
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// How is how a peer gets an item.
type How int

// The ways a peer gets an item.
const (
	Skip     How = iota // not at all, from us
	Push                // the item itself, in an items message
	Announce            // its ID, in an inv; the peer fetches it if it wants
)

func (h How) String() string {
	switch h {
	case Push:
		return "push"
	case Announce:
		return "announce"
	}
	return "skip"
}

// docs:begin policy

// Link is what the protocol tells a Policy about one peer.
type Link struct {
	Peer simulation.PeerID
	// Eager: the peer has not pruned the item's tree, so it wants
	// the item pushed.
	Eager bool
	// Knows: it sent or announced the item to us, or we to it.
	Knows bool
}

// Policy decides whom to tell of an item, how, and when: the announce
// policy, the piece of the protocol a learner writes in the lab. The
// protocol keeps the queues, the trees, the requests and the limits.
type Policy interface {
	// Route says how each peer gets an item new to this node, which
	// came from peer from (0 when it was published here). It returns
	// one How per link, in order.
	Route(from simulation.PeerID, links []Link) []How
	// Flush is how long an item may wait in a peer's queue, so that
	// more items share its message. hops is how far the item has come
	// (0: published here). A queue goes as one message when its most
	// urgent item is due.
	Flush(how How, hops int, r *rand.Rand) time.Duration
	// Retry picks whom to ask for an item next, among the peers that
	// announced it and have not been asked yet (never empty).
	Retry(candidates []simulation.PeerID, r *rand.Rand) simulation.PeerID
}

// docs:end policy

// docs:begin policies

// FloodPolicy pushes every item to every peer that does not know it,
// with no delay: the most messages, the least latency (Demers' "direct
// mail").
type FloodPolicy struct{}

func (FloodPolicy) Route(_ simulation.PeerID, links []Link) []How {
	return everyone(links, Push)
}
func (FloodPolicy) Flush(How, int, *rand.Rand) time.Duration { return 0 }
func (FloodPolicy) Retry(c []simulation.PeerID, r *rand.Rand) simulation.PeerID {
	return c[r.IntN(len(c))]
}

// AnnouncePolicy announces every item to every peer that does not know
// it, and each fetches it from the first announcement: Bitcoin's relay.
// Delay is the mean of its randomized batching timer (Bitcoin's
// trickle); zero sends each inv at once.
type AnnouncePolicy struct{ Delay time.Duration }

func (AnnouncePolicy) Route(_ simulation.PeerID, links []Link) []How {
	return everyone(links, Announce)
}
func (a AnnouncePolicy) Flush(_ How, _ int, r *rand.Rand) time.Duration {
	return jitter(a.Delay, r)
}
func (AnnouncePolicy) Retry(c []simulation.PeerID, r *rand.Rand) simulation.PeerID {
	return c[r.IntN(len(c))]
}

// PlumtreePolicy pushes along the trees (eager links) and announces on
// the other links: the lazy announcements are how a broken tree is
// noticed and mended.
type PlumtreePolicy struct {
	// PushDelay[h] is how long an item that has come h hops waits;
	// the last entry serves every hop past the list. Empty: no wait.
	PushDelay []time.Duration
	// AnnounceDelay is the mean wait of a lazy announcement. Most
	// ride sooner, on a push to the same peer.
	AnnounceDelay time.Duration
}

func (PlumtreePolicy) Route(_ simulation.PeerID, links []Link) []How {
	out := make([]How, len(links))
	for i, l := range links {
		switch {
		case l.Knows:
			out[i] = Skip
		case l.Eager:
			out[i] = Push
		default:
			out[i] = Announce
		}
	}
	return out
}
func (p PlumtreePolicy) Flush(how How, hops int, r *rand.Rand) time.Duration {
	if how == Announce {
		return jitter(p.AnnounceDelay, r)
	}
	if len(p.PushDelay) == 0 {
		return 0
	}
	return p.PushDelay[min(hops, len(p.PushDelay)-1)]
}
func (PlumtreePolicy) Retry(c []simulation.PeerID, r *rand.Rand) simulation.PeerID {
	return c[r.IntN(len(c))]
}

// docs:end policies

// everyone is how for each link that does not know the item, Skip for
// the others.
func everyone(links []Link, how How) []How {
	out := make([]How, len(links))
	for i, l := range links {
		if !l.Knows {
			out[i] = how
		}
	}
	return out
}

// jitter is a delay drawn uniformly from [mean/2, 3·mean/2): random,
// so that no observer can time an item back to its origin, and
// bounded, so that no hop waits more than half again the mean.
func jitter(mean time.Duration, r *rand.Rand) time.Duration {
	if mean <= 0 {
		return 0
	}
	return mean/2 + time.Duration(r.Int64N(int64(mean)))
}
