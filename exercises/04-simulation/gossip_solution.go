//go:build solution

package simulation

import (
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	sim "peerchain/chapters/04-simulation"
)

// The reference Gossip's timing. Exchanges start a round apart and back
// off to maxExchangeGap while they teach nobody anything.
const (
	exchangeGap    = time.Second
	maxExchangeGap = 8 * time.Second
	exchangeTimer  = sim.TimerID(1)
)

// Gossip spreads a rumor in two ways. A node that learns it tells every
// peer at once (fast, and over when it is done); and every node now and
// then compares what it knows with one random peer (anti-entropy), which
// mends what loss, partitions and crashes broke. What stops it is the
// back-off: an exchange that teaches nobody anything doubles the gap
// before the next, up to maxExchangeGap, so a network where everyone
// knows goes nearly quiet.
type Gossip struct {
	rng   *rand.Rand
	peers []sim.PeerID // open connections, learned from PeerConnected
	rumor *sim.MsgRumor
	gap   time.Duration // until the next exchange
	out   []sim.Action
}

// NewGossip returns a node's machine; rumor is set on the node where the
// rumor starts, and nil elsewhere.
func NewGossip(rumor *sim.MsgRumor, r *rand.Rand) *Gossip {
	return &Gossip{rng: r, rumor: rumor, gap: exchangeGap}
}

// Informed reports whether the node knows the rumor.
func (g *Gossip) Informed() bool { return g.rumor != nil }

// Handle implements sim.Machine.
func (g *Gossip) Handle(now time.Time, ev sim.Event) []sim.Action {
	g.out = g.out[:0]
	switch ev := ev.(type) {
	case sim.Start:
		g.setTimer()
	case sim.PeerConnected:
		g.peers = append(g.peers, ev.Peer)
		if g.rumor != nil {
			g.send(ev.Peer, g.rumor) // a new (or restarted) neighbour
		}
	case sim.PeerDisconnected:
		if i := slices.Index(g.peers, ev.Peer); i >= 0 {
			g.peers = slices.Delete(g.peers, i, i+1)
		}
	case sim.MessageReceived:
		g.received(ev.From, ev.Msg)
	case sim.TimerFired:
		if ev.Timer == exchangeTimer {
			g.exchange()
		}
	}
	return g.out
}

// received handles a message from peer p.
func (g *Gossip) received(p sim.PeerID, msg wire.Message) {
	switch m := msg.(type) {
	case *sim.MsgRumor:
		if g.rumor == nil {
			g.learn(m, p)
		}
	case *MsgHave:
		theyKnow := len(m.Rumors) > 0
		switch {
		case g.rumor != nil && !slices.Contains(m.Rumors, g.rumor.ID):
			g.send(p, g.rumor) // they lack it
			g.news()
		case g.rumor == nil && theyKnow:
			g.send(p, &MsgHave{}) // ask: they answer with the rumor
		}
	}
}

// learn takes the rumor in and tells every peer but the one it came from.
func (g *Gossip) learn(r *sim.MsgRumor, from sim.PeerID) {
	g.rumor = r
	for _, p := range g.peers {
		if p != from {
			g.send(p, r)
		}
	}
	g.news()
}

// news makes the exchanges frequent again: something is spreading.
func (g *Gossip) news() {
	if g.gap > exchangeGap {
		g.gap = exchangeGap
		g.setTimer()
	}
}

// exchange sends a digest to one random peer and backs off.
func (g *Gossip) exchange() {
	if len(g.peers) > 0 {
		have := &MsgHave{}
		if g.rumor != nil {
			have.Rumors = []uint64{g.rumor.ID}
		}
		g.send(g.peers[g.rng.IntN(len(g.peers))], have)
	}
	g.gap = min(2*g.gap, maxExchangeGap)
	g.setTimer()
}

// setTimer schedules the next exchange, with jitter so that nodes do not
// all exchange at the same instant.
func (g *Gossip) setTimer() {
	jitter := time.Duration(g.rng.Int64N(int64(g.gap / 4)))
	g.out = append(g.out, sim.SetTimer{Timer: exchangeTimer, After: g.gap - jitter})
}

func (g *Gossip) send(p sim.PeerID, msg wire.Message) {
	g.out = append(g.out, sim.Send{To: p, Msg: msg})
}
