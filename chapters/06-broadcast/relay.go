package broadcast

import (
	"maps"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// The two queues each peer has: items to push, and IDs to announce.
const (
	pushQueue = iota
	announceQueue
)

// docs:begin accept

// accept takes an item new to this node, with the tree it travels on
// and how far it came: it is kept, emitted, and queued for each peer as
// the policy says. from is nil when it was published here.
func (p *Protocol) accept(now time.Time, s stored, from *peer) {
	p.seen.add(s.ID)
	p.keep(now, s)
	if w, ok := p.wanted[s.ID]; ok {
		if asked, ok := p.peers[w.asked]; ok {
			delete(asked.asked, s.ID) // it came another way
		}
		delete(p.wanted, s.ID)
	}
	var fromID simulation.PeerID
	if from != nil {
		fromID = from.id
	}
	p.emit(Delivered{Item: s.Item, From: fromID})
	ids := slices.Sorted(maps.Keys(p.peers))
	links := make([]Link, len(ids))
	for i, id := range ids {
		pe := p.peers[id]
		links[i] = Link{Peer: id, Eager: !pe.lazy.has(s.tree),
			Knows: pe.known.has(s.ID)}
	}
	for i, how := range p.cfg.Policy.Route(fromID, links) {
		if i >= len(ids) || (how != Push && how != Announce) || links[i].Knows {
			continue // a How the protocol does not know is a Skip
		}
		if how == Push && !links[i].Eager {
			how = Announce // it pruned the tree: it would score a push
		}
		p.enqueue(now, p.peers[ids[i]], s.ID, how, int(s.hops))
	}
}

// enqueue adds an item to one of a peer's queues, and sets the queue's
// flush timer for when the item is due, if that is sooner than the
// queue was: Bitcoin's trickle, for many items at once.
func (p *Protocol) enqueue(now time.Time, pe *peer, id ID, how How, hops int) {
	k := pushQueue
	if how == Announce {
		k = announceQueue
	}
	pe.known.add(id)
	pe.queue[k] = append(pe.queue[k], id)
	at := now.Add(p.cfg.Policy.Flush(how, hops, p.r))
	if len(pe.queue[k]) >= p.queueLimit(k) {
		at = now // full: waiting longer could outlast the store
	}
	p.due(now, pe, k, at)
}

// queueLimit is how many items one of a peer's queues holds: what one
// message carries, and never more than the store keeps.
func (p *Protocol) queueLimit(k int) int {
	if k == announceQueue {
		return min(p.cfg.StoreSize, MaxRiders)
	}
	return min(p.cfg.StoreSize, MaxItemsPerMsg)
}

// docs:end accept

// due makes a peer's queue go at the latest at 'at': now, or by its
// flush timer.
func (p *Protocol) due(now time.Time, pe *peer, k int, at time.Time) {
	if pe.armed[k] && !at.Before(pe.dueAt[k]) {
		return
	}
	if !at.After(now) {
		if pe.armed[k] {
			p.out = append(p.out, simulation.StopTimer{Timer: p.flushTimer(pe, k)})
		}
		p.flush(now, pe, k)
		return
	}
	pe.armed[k], pe.dueAt[k] = true, at
	p.set(p.flushTimer(pe, k), at.Sub(now))
}

// flush sends a peer's queue: announcements as inv messages, items as
// one items message, or as few as the limits allow.
func (p *Protocol) flush(now time.Time, pe *peer, k int) {
	q := pe.queue[k]
	pe.queue[k], pe.armed[k] = nil, false
	if k == announceQueue {
		for len(q) > 0 {
			n := min(len(q), MaxInvEntries)
			p.send(pe, &MsgInv{List: p.invOf(q[:n])})
			q = q[n:]
		}
		return
	}
	p.push(now, pe, q)
}

// docs:begin push

// push sends items to a peer. What else is waiting for that peer rides
// on the first message, to save one of its own: prunes, announcements,
// and an inventory (see sync). A prune with no items to ride on goes
// alone.
func (p *Protocol) push(now time.Time, pe *peer, ids []ID) {
	m := &MsgItems{Prune: pe.prunes}
	pe.prunes = nil
	if len(ids) > 0 {
		riders := p.invOf(pe.queue[announceQueue])
		if pe.syncDue {
			pe.syncDue = false
			riders = append(riders, p.news(now, pe)...)
		}
		if len(riders) > MaxRiders {
			p.send(pe, &MsgInv{List: riders}) // too many to ride
		} else {
			m.Inv = riders
		}
		pe.queue[announceQueue] = nil
	}
	size := len(m.Inv)*InvVectSize + len(m.Prune)*8
	for _, id := range ids {
		s, ok := p.store[id]
		if !ok {
			continue // pushed out of the store before its turn
		}
		n := itemOverhead + len(s.Data)
		if len(m.Items) == MaxItemsPerMsg || size+n > MaxItemsPayload-wireCount {
			p.send(pe, m)
			m, size = &MsgItems{}, 0
		}
		m.Items = append(m.Items, s.Item)
		m.Trees = append(m.Trees, s.tree)
		m.Hops = append(m.Hops, s.hops+min(1, 255-s.hops)) // saturates
		size += n
	}
	switch {
	case len(m.Items) > 0 || len(m.Inv) > 0:
		p.send(pe, m) // riders go even if every item left the store
	case len(m.Prune) > 0:
		p.send(pe, &MsgPrune{Trees: m.Prune})
	}
}

// docs:end push

// wireCount is room for an items message's counts.
const wireCount = 4 * 9

// invOf is the inventory entries of the items still in the store: one
// gone from it cannot be served, so is not announced.
func (p *Protocol) invOf(ids []ID) []InvVect {
	list := make([]InvVect, 0, len(ids))
	for _, id := range ids {
		if s, ok := p.store[id]; ok {
			list = append(list, s.Inv())
		}
	}
	return list
}

// keep stores an item to serve, forgetting the oldest when the store is
// full.
func (p *Protocol) keep(now time.Time, s stored) {
	if len(p.order) >= p.cfg.StoreSize {
		delete(p.store, p.order[0])
		p.order = p.order[1:]
	}
	s.at = now
	p.store[s.ID] = s
	p.order = append(p.order, s.ID)
}
