package broadcast

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// docs:begin items

// items takes items' bytes, and what rides with them. An item that
// fails its check costs the peer its connection; one it sent before,
// or pushed on a tree we pruned, costs it points. A new item is
// accepted; one we had already came a second way, so the link it came
// on leaves that item's tree (the prune), unless it is the link the
// tree comes to us on.
func (p *Protocol) items(now time.Time, pe *peer, m *MsgItems) {
	if len(m.Items) > MaxItemsPerMsg {
		p.score(now, pe, OversizePoints,
			fmt.Sprintf("items of %d", len(m.Items)))
		return
	}
	p.pruned(pe, m.Prune)
	if len(m.Inv) > 0 {
		p.inv(now, pe, m.Inv)
	}
	dup, unsolicited := false, false
	for i, it := range m.Items {
		if err := p.check(it); errors.Is(err, ErrDeclined) {
			p.declined(pe, it.ID)
			continue
		} else if err != nil {
			p.score(now, pe, InvalidPoints,
				fmt.Sprintf("invalid item: %v", err))
			return
		}
		s := stored{Item: it, tree: at(m.Trees, i), hops: at(m.Hops, i)}
		_, asked := pe.asked[it.ID]
		asked = asked || pe.askedAny.has(it.ID) // late, but asked
		pe.askedAny.del(it.ID)                  // one answer to each ask
		delete(pe.asked, it.ID)
		pe.sent.add(it.ID)
		pe.known.add(it.ID)
		if !pe.got.add(it.ID) && !asked {
			dup = true
		}
		switch {
		case asked:
			p.grafted(pe, s.tree)
		case !p.pushAllowed(now, pe, s.tree):
			unsolicited = true
			continue
		}
		if p.seen.has(it.ID) {
			if !asked {
				p.prune(now, pe, s.tree)
			}
			continue
		}
		if !p.parent.has(s.tree) {
			p.parent.put(s.tree, pe.id) // its first item came here
		}
		p.accept(now, s, pe)
	}
	if dup {
		p.score(now, pe, DuplicatePoints, "the same item sent twice")
	}
	if unsolicited {
		p.score(now, pe, UnsolicitedPoints, "items pushed after a prune")
	}
}

// docs:end items

// check is the item's type's check, for an item not seen yet; a copy
// of one we hold is not used, so its data need not be checked again.
func (p *Protocol) check(it Item) error {
	if p.seen.has(it.ID) {
		return nil
	}
	return p.types.check(it)
}

// declined forgets an item its type's check declined: valid, but not
// taken here now (a transaction whose predecessor has not come yet).
// It is not seen, so the next announcement of it may bring it again;
// it is no longer wanted, so no other peer is asked for it now.
func (p *Protocol) declined(pe *peer, id ID) {
	delete(pe.asked, id)
	pe.askedAny.del(id)
	pe.known.add(id)
	if w, ok := p.wanted[id]; ok {
		if asked, ok := p.peers[w.asked]; ok {
			delete(asked.asked, id)
		}
		delete(p.wanted, id)
	}
}

// at is list[i], or zero past its end.
func at[T any](list []T, i int) T {
	var zero T
	if i < len(list) {
		return list[i]
	}
	return zero
}

// docs:begin prune

// prune takes a peer off a tree after an item of it came from that
// peer a second time: we ask it to stop pushing that tree to us, with
// the next push. The link the tree first came to us on stays, so that
// no node prunes itself off a tree.
func (p *Protocol) prune(now time.Time, pe *peer, tree uint64) {
	if p.cfg.NoPrune || pe.pruned.has(tree) {
		return
	}
	if parent, ok := p.parent.get(tree); ok && parent == pe.id {
		return
	}
	pe.pruned.put(tree, pruning{at: now})
	p.sendPrune(now, pe, tree)
}

// pruning is a prune we sent: when, and whether it was sent again.
type pruning struct {
	at    time.Time
	again bool
}

// sendPrune queues a prune for the next push to the peer, or to go
// alone within PruneWait.
func (p *Protocol) sendPrune(now time.Time, pe *peer, tree uint64) {
	if len(pe.prunes) < MaxPruneTrees && !slices.Contains(pe.prunes, tree) {
		pe.prunes = append(pe.prunes, tree)
	}
	p.due(now, pe, pushQueue, now.Add(p.cfg.PruneWait))
}

// pruned takes a peer's prunes: we stop pushing those trees to it.
func (p *Protocol) pruned(pe *peer, trees []uint64) {
	if p.cfg.NoPrune {
		return
	}
	for _, t := range trees {
		pe.lazy.put(t, struct{}{})
	}
}

// grafted: a peer answered our getdata, and from now on pushes that
// item's tree to us: it is the link the tree comes to us on.
func (p *Protocol) grafted(pe *peer, tree uint64) {
	pe.pruned.del(tree)
	pe.prunes = slices.DeleteFunc(pe.prunes, func(t uint64) bool { return t == tree })
	p.parent.put(tree, pe.id)
}

// docs:end prune

// docs:begin push-allowed

// pushAllowed says whether a peer may push a tree: unless we pruned it
// from that tree more than PruneGrace ago (its pushes may cross our
// prune). A prune can be lost on the way, so the first push after the
// grace is answered with the prune again; only a push after that
// prune's grace is unsolicited.
func (p *Protocol) pushAllowed(now time.Time, pe *peer, tree uint64) bool {
	pr, ok := pe.pruned.get(tree)
	switch {
	case !ok || now.Sub(pr.at) <= p.cfg.PruneGrace:
		return true
	case pr.again:
		return false
	}
	pe.pruned.put(tree, pruning{at: now, again: true})
	p.sendPrune(now, pe, tree)
	return true
}

// docs:end push-allowed
