package broadcast

import (
	"maps"
	"slices"
	"time"
)

// docs:begin sync

// syncTick picks a random peer to send an inventory of recent items:
// after a partition, or a lost message, that is what it may lack, and
// it asks for what it lacks as for any announcement. The inventory
// rides on the next push to that peer; if none has gone by the next
// tick, it goes alone then.
func (p *Protocol) syncTick(now time.Time) {
	if late, ok := p.peers[p.syncPeer]; ok && late.syncDue {
		late.syncDue = false
		if list := p.news(now, late); len(list) > 0 {
			p.send(late, &MsgInv{List: list})
		}
	}
	if ids := slices.Sorted(maps.Keys(p.peers)); len(ids) > 0 {
		pe := p.peers[ids[p.r.IntN(len(ids))]]
		pe.syncDue, p.syncPeer = true, pe.id
	}
	p.set(timerSync, jitter(p.cfg.SyncInterval, p.r))
}

// news is the periodic inventory for a peer: the items of the last
// SyncWindow it is not known to have sent us, but the newest, still
// on their way. It is empty when nothing has come since the last one
// the peer was sent: the same list again would tell it nothing new.
func (p *Protocol) news(now time.Time, pe *peer) []InvVect {
	list, newest := p.inventory(now, pe, now.Add(-p.cfg.SyncWindow),
		p.cfg.SyncSettle)
	if !newest.After(pe.offered) {
		return nil
	}
	pe.offered = newest
	return list
}

// catchUp sends a peer, at once, every item since a time that it is
// not known to have sent us: a new peer, or one heard from again after
// a silence (it may have been cut off).
func (p *Protocol) catchUp(now time.Time, pe *peer, since time.Time) {
	list, newest := p.inventory(now, pe, since, 0)
	if newest.After(pe.offered) {
		pe.offered = newest
	}
	if len(list) > 0 {
		p.send(pe, &MsgInv{List: list})
	}
}

// inventory lists, oldest first, the stored items that came after
// since and at least settle ago, that the peer is not known to have
// sent us, at most MaxInvEntries; and when the newest of them came.
func (p *Protocol) inventory(now time.Time, pe *peer, since time.Time, settle time.Duration) ([]InvVect, time.Time) {
	var list []InvVect
	var newest time.Time
	for i := len(p.order) - 1; i >= 0 && len(list) < MaxInvEntries; i-- {
		s := p.store[p.order[i]]
		if !s.at.After(since) {
			break
		}
		if now.Sub(s.at) < settle || pe.sent.has(s.ID) {
			continue
		}
		list = append(list, s.Inv())
		if s.at.After(newest) {
			newest = s.at
		}
	}
	slices.Reverse(list)
	return list, newest
}

// docs:end sync
