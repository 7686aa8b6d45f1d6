package broadcast

import (
	"fmt"
	"maps"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin inv

// inv takes announcements: each item we lack is wanted, with the peer
// as one that has it, and asked for once LazyWait has passed without a
// push bringing it.
func (p *Protocol) inv(now time.Time, pe *peer, list []InvVect) {
	if len(list) > MaxInvEntries {
		p.score(now, pe, OversizePoints, fmt.Sprintf("inv of %d entries", len(list)))
		return
	}
	for _, v := range list {
		pe.known.add(v.ID)
		pe.sent.add(v.ID)
		if _, ok := p.types[v.Type]; !ok || p.seen.has(v.ID) {
			continue
		}
		w, ok := p.wanted[v.ID]
		if !ok {
			if len(p.wanted) >= p.cfg.MaxWanted {
				continue // full: a later announcement will bring it
			}
			w = &want{typ: v.Type, due: now.Add(p.cfg.LazyWait)}
			p.wanted[v.ID] = w
		}
		if w.asked != pe.id && !slices.Contains(w.from, pe.id) &&
			len(w.from) < p.cfg.MaxAnnouncers {
			w.from = append(w.from, pe.id)
		}
	}
	if p.cfg.LazyWait == 0 {
		p.requests(now)
	}
}

// docs:end inv

// want asks for an item nobody announced: every connected peer is
// taken as one that has it, up to MaxAnnouncers, and asked in turn.
func (p *Protocol) want(now time.Time, v Want) {
	if _, ok := p.types[v.Type]; !ok || p.seen.has(v.ID) {
		return
	}
	w, ok := p.wanted[v.ID]
	if !ok {
		if len(p.wanted) >= p.cfg.MaxWanted {
			return
		}
		w = &want{typ: v.Type, due: now}
		p.wanted[v.ID] = w
	}
	for _, id := range slices.Sorted(maps.Keys(p.peers)) {
		if w.asked != id && !slices.Contains(w.from, id) && len(w.from) < p.cfg.MaxAnnouncers {
			w.from = append(w.from, id)
		}
	}
	p.requests(now)
}

// docs:begin requests

// requests asks for wanted items that are due: never asked, or asked
// of a peer that has not answered within RequestTimeout. Each goes to
// the peer the policy picks among those that announced it and have
// room in flight; one with none left is given up (the next inventory
// brings it back). Asks to one peer go as one getdata.
func (p *Protocol) requests(now time.Time) {
	asks := make(map[simulation.PeerID][]InvVect)
	var due []ID
	for id, w := range p.wanted {
		if !now.Before(w.due) {
			due = append(due, id)
		}
	}
	slices.SortFunc(due, compareID) // the same order on every run
	for _, id := range due {
		w := p.wanted[id]
		if w.asked != 0 {
			if pe, ok := p.peers[w.asked]; ok {
				delete(pe.asked, id)
			}
			w.asked = 0
		}
		var ok []simulation.PeerID
		for _, c := range w.from {
			if pe := p.peers[c]; pe != nil && len(pe.asked) < p.cfg.MaxInFlight {
				ok = append(ok, c)
			}
		}
		if len(ok) == 0 {
			delete(p.wanted, id)
			continue
		}
		pick := p.cfg.Policy.Retry(ok, p.r)
		if !slices.Contains(ok, pick) {
			pick = ok[0]
		}
		w.from = slices.DeleteFunc(w.from, func(c simulation.PeerID) bool { return c == pick })
		w.asked, w.due = pick, now.Add(p.cfg.RequestTimeout)
		p.peers[pick].asked[id] = now
		p.peers[pick].askedAny.add(id)
		asks[pick] = append(asks[pick], InvVect{Type: w.typ, ID: id})
	}
	for _, to := range slices.Sorted(maps.Keys(asks)) {
		p.send(p.peers[to], &MsgGetData{List: asks[to]})
	}
}

// docs:end requests

func compareID(a, b ID) int { return slices.Compare(a[:], b[:]) }

// getData answers a getdata: the items we have, in batches, and a
// notfound for the rest. A getdata grafts the asker onto our tree.
func (p *Protocol) getData(now time.Time, pe *peer, list []InvVect) {
	if len(list) > MaxInvEntries {
		p.score(now, pe, OversizePoints, fmt.Sprintf("getdata of %d entries", len(list)))
		return
	}
	var missing []InvVect
	var ids []ID
	named := make(map[ID]bool, len(list))
	for _, v := range list {
		if named[v.ID] {
			continue // once is enough: no peer gets copies by asking twice
		}
		named[v.ID] = true
		pe.known.add(v.ID)
		if it, ok := p.store[v.ID]; ok {
			ids = append(ids, v.ID)
			pe.lazy.del(it.tree) // the graft: push this tree to it
		} else {
			missing = append(missing, v)
		}
	}
	if len(ids) > 0 {
		p.push(now, pe, ids)
	}
	if len(missing) > 0 {
		p.send(pe, &MsgNotFound{List: missing})
	}
}

// notFound takes a peer's "I do not have it": the item is asked of the
// next peer that announced it. A notfound for what we never asked of
// that peer is bad input.
func (p *Protocol) notFound(now time.Time, pe *peer, list []InvVect) {
	if len(list) > MaxInvEntries {
		p.score(now, pe, OversizePoints, fmt.Sprintf("notfound of %d entries", len(list)))
		return
	}
	unasked := 0
	for _, v := range list {
		late := pe.askedAny.has(v.ID)
		pe.askedAny.del(v.ID) // one answer to each ask
		if _, ok := pe.asked[v.ID]; !ok {
			if !late {
				unasked++ // a late answer is fair; this was never asked
			}
			continue
		}
		delete(pe.asked, v.ID)
		if w, ok := p.wanted[v.ID]; ok && w.asked == pe.id {
			w.asked, w.due = 0, now
		}
	}
	if unasked > 0 {
		p.score(now, pe, NotFoundPoints, fmt.Sprintf("notfound of %d items never asked for", unasked))
	}
	p.requests(now)
}
