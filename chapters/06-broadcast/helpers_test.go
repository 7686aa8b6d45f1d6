package broadcast

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// t0 is when the unit tests' stories start.
var t0 = simulation.Epoch

// scores records Misbehaving calls: the points each peer was given,
// and why.
type scores struct {
	points  map[simulation.PeerID]int
	reasons map[simulation.PeerID][]string
}

func newScores() *scores {
	return &scores{points: map[simulation.PeerID]int{}, reasons: map[simulation.PeerID][]string{}}
}

func (s *scores) Misbehaving(_ time.Time, p simulation.PeerID, points int, reason string) []simulation.Action {
	s.points[p] += points
	s.reasons[p] = append(s.reasons[p], reason)
	return nil
}

// rig drives one Protocol by hand, event by event: it keeps the
// clock, and fires the timers the protocol sets as time is advanced,
// as a driver would.
type rig struct {
	t      *testing.T
	p      *Protocol
	s      *scores
	now    time.Time
	timers map[simulation.TimerID]time.Time
}

// newRig starts a protocol with cfg and connects the given peers.
func newRig(t *testing.T, cfg Config, peers ...simulation.PeerID) *rig {
	t.Helper()
	p, err := New(cfg, newRand())
	require.NoError(t, err)
	r := &rig{t: t, p: p, s: newScores(), now: t0, timers: map[simulation.TimerID]time.Time{}}
	p.SetScorer(r.s)
	r.handle(simulation.Start{})
	for _, id := range peers {
		r.handle(simulation.PeerConnected{Peer: id})
	}
	return r
}

// handle gives the protocol an event now, notes the timers it sets or
// stops, and returns a copy of its actions.
func (r *rig) handle(ev simulation.Event) []simulation.Action {
	acts := slices.Clone(r.p.Handle(r.now, ev))
	for _, a := range acts {
		switch a := a.(type) {
		case simulation.SetTimer:
			r.timers[a.Timer] = r.now.Add(a.After)
		case simulation.StopTimer:
			delete(r.timers, a.Timer)
		}
	}
	return acts
}

// recv delivers messages from a peer, now, and returns all the actions.
func (r *rig) recv(from simulation.PeerID, msgs ...wire.Message) []simulation.Action {
	var out []simulation.Action
	for _, m := range msgs {
		out = append(out, r.handle(simulation.MessageReceived{From: from, Msg: m})...)
	}
	return out
}

// publish publishes items here, now.
func (r *rig) publish(items ...Item) []simulation.Action {
	var out []simulation.Action
	for _, it := range items {
		out = append(out, r.handle(simulation.Local{Value: Publish{Item: it}})...)
	}
	return out
}

// advance moves the clock on by d, firing every timer that falls due
// on the way, earliest first, and returns what the protocol did.
func (r *rig) advance(d time.Duration) []simulation.Action {
	end := r.now.Add(d)
	var out []simulation.Action
	for {
		var next simulation.TimerID
		var at time.Time
		found := false
		for id, when := range r.timers {
			if when.After(end) {
				continue
			}
			if !found || when.Before(at) || (when.Equal(at) && id < next) {
				next, at, found = id, when, true
			}
		}
		if !found {
			break
		}
		delete(r.timers, next)
		r.now = at
		out = append(out, r.handle(simulation.TimerFired{Timer: next})...)
	}
	r.now = end
	return out
}

// sendsOf lists the messages of type M in acts, by the peer they go to.
func sendsOf[M wire.Message](acts []simulation.Action) map[simulation.PeerID][]M {
	out := map[simulation.PeerID][]M{}
	for _, a := range acts {
		if s, ok := a.(simulation.Send); ok {
			if m, ok := s.Msg.(M); ok {
				out[s.To] = append(out[s.To], m)
			}
		}
	}
	return out
}

// sendCount is how many messages acts send, of any type.
func sendCount(acts []simulation.Action) int {
	n := 0
	for _, a := range acts {
		if _, ok := a.(simulation.Send); ok {
			n++
		}
	}
	return n
}

// emitted lists the values of type T that acts emit.
func emitted[T any](acts []simulation.Action) []T {
	var out []T
	for _, a := range acts {
		if e, ok := a.(simulation.Emit); ok {
			if v, ok := e.Value.(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// invIDs is the IDs an inventory list names, in order.
func invIDs(list []InvVect) []ID {
	out := make([]ID, len(list))
	for i, v := range list {
		out[i] = v.ID
	}
	return out
}

// itemIDs is the IDs of items, in order.
func itemIDs(items []Item) []ID {
	out := make([]ID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// blob is the i-th test item: a small blob, different for each i.
func blob(i int) Item { return NewBlob([]byte{byte(i), byte(i >> 8), byte(i >> 16), 1}) }

// blobs is the test items from to to-1.
func blobs(from, to int) []Item {
	var out []Item
	for i := from; i < to; i++ {
		out = append(out, blob(i))
	}
	return out
}

// invOf is an inventory of items.
func invOf(items ...Item) []InvVect {
	out := make([]InvVect, len(items))
	for i, it := range items {
		out[i] = it.Inv()
	}
	return out
}

// idsOf is the IDs of items, in order.
func idsOf(items ...Item) []ID { return itemIDs(items) }

// idOfByte is an ID that is all zeros but its first byte.
func idOfByte(b byte) ID {
	var id ID
	id[0] = b
	return id
}

// newRand is the seeded randomness of the unit tests.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// wait is a PlumtreePolicy.PushDelay of d at every hop.
func wait(d time.Duration) []time.Duration { return []time.Duration{d} }

// onTree is an items message of items pushed along tree, each having
// come hops hops.
func onTree(tree uint64, hops uint8, items ...Item) *MsgItems {
	m := &MsgItems{Items: items}
	for range items {
		m.Trees = append(m.Trees, tree)
		m.Hops = append(m.Hops, hops)
	}
	return m
}

// prunesTo is every tree acts ask peer to stop pushing: in prune
// messages and riding on items messages, in order.
func prunesTo(acts []simulation.Action, peer simulation.PeerID) []uint64 {
	var out []uint64
	for _, a := range acts {
		s, ok := a.(simulation.Send)
		if !ok || s.To != peer {
			continue
		}
		switch m := s.Msg.(type) {
		case *MsgPrune:
			out = append(out, m.Trees...)
		case *MsgItems:
			out = append(out, m.Prune...)
		}
	}
	return out
}

// toldOf is the IDs acts announce to peer: in inv messages and riding
// on items messages, in order.
func toldOf(acts []simulation.Action, peer simulation.PeerID) []ID {
	var out []ID
	for _, a := range acts {
		s, ok := a.(simulation.Send)
		if !ok || s.To != peer {
			continue
		}
		switch m := s.Msg.(type) {
		case *MsgInv:
			out = append(out, invIDs(m.List)...)
		case *MsgItems:
			out = append(out, invIDs(m.Inv)...)
		}
	}
	return out
}

// pushedTo is the IDs acts push to peer, in order.
func pushedTo(acts []simulation.Action, peer simulation.PeerID) []ID {
	var out []ID
	for _, m := range sendsOf[*MsgItems](acts)[peer] {
		out = append(out, itemIDs(m.Items)...)
	}
	return out
}

// short is IDs as their short strings: a failure over a long list
// prints one line an item, not forty.
func short(ids []ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}
