package sync

import (
	"sort"
	"time"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// base is the height of the best header chain's last block that the
// tree has. The tree holds a block only with its parent, so the best
// chain's blocks it has are a prefix: found by bisection.
func (s *Sync) base() uint64 {
	top := s.headers.Best().Height
	n := sort.Search(int(top)+1, func(h int) bool {
		_, ok := s.tree.Node(s.headers.At(uint64(h)).Hash)
		return !ok
	})
	return uint64(n - 1) // genesis is always there
}

// connectBuffered connects the blocks that came, in order, from the
// one after base for as long as the next one is there.
func (s *Sync) connectBuffered(now time.Time) {
	s.evict()
	for {
		base := s.base()
		n := s.headers.At(base + 1)
		if n == nil {
			return
		}
		e, ok := s.buffer[n.Hash]
		if !ok {
			return
		}
		delete(s.buffer, n.Hash)
		if !s.accept(now, e.block, e.from) {
			return
		}
		s.emit(Fetched{From: e.from, Hash: n.Hash, Height: n.Height})
		if s.count++; s.count%s.cfg.ProgressEvery == 0 {
			s.emit(Progress{Headers: s.headers.Best().Height,
				Blocks: s.tree.Tip().Height})
		}
	}
}

// evict drops buffered blocks that are no longer ahead on the best
// header chain (it moved to another branch): they would hold a place
// of the window for good.
func (s *Sync) evict() {
	base := s.base()
	for h := range s.buffer {
		n, ok := s.headers.Node(h)
		if !ok || !s.headers.OnBest(n) || n.Height <= base {
			delete(s.buffer, h)
		}
	}
}

// docs:begin schedule

// schedule offers the next blocks of the window (Window blocks past
// base) that nobody is fetching to the Scheduler, with the peers that
// may be asked, and asks what it answers. A peer that has room but
// finds nothing left in the window it has, while the window's first
// block is with another peer, is held up by that one: the stall clock
// starts.
func (s *Sync) schedule(now time.Time) {
	best := s.headers.Best()
	if best.Work.Cmp(s.tree.Tip().Work) <= 0 {
		s.stall = stall{}
		return
	}
	base := s.base()
	if base >= best.Height {
		return // the tree has it: its Choice follows another tip
	}
	end := min(base+uint64(s.cfg.Window), best.Height)
	var want []Wanted
	for h := base + 1; h <= end; h++ {
		hash := s.headers.At(h).Hash
		if s.inFlight[hash] == 0 && !s.buffered(hash) {
			want = append(want, Wanted{Height: h, Hash: hash})
		}
	}
	var peers []PeerLoad
	for _, id := range s.order {
		p := s.peers[id]
		if p.best == nil || now.Before(p.restUntil) {
			continue
		}
		has := p.best.Height // p has the best chain up to has
		if !s.headers.OnBest(p.best) {
			has = forkchoice.FindFork(p.best, best).Height
		}
		peers = append(peers, PeerLoad{Peer: id,
			InFlight: len(p.inFlight), Has: has})
	}
	reqs, err := followable(want, peers, MaxInFlightPerPeer,
		s.cfg.Scheduler.Schedule(want, peers, MaxInFlightPerPeer))
	if err != nil {
		s.emit(Fault{Err: err})
	}
	for _, r := range reqs {
		s.request(now, s.peers[r.Peer], r.Hashes)
	}
	first := s.headers.At(base + 1)
	holder := s.inFlight[first.Hash]
	for _, p := range peers {
		id := p.Peer
		if holder == 0 || holder == id || s.stall.hash == first.Hash ||
			p.Has <= end || len(s.peers[id].inFlight) >= MaxInFlightPerPeer ||
			s.canFetch(p.Has, want) {
			continue
		}
		s.stall = stall{peer: holder, hash: first.Hash, since: now}
	}
}

// docs:end schedule

// canFetch says whether a block of want up to height has is still not
// asked for.
func (s *Sync) canFetch(has uint64, want []Wanted) bool {
	for _, w := range want {
		if w.Height > has {
			return false
		}
		if s.inFlight[w.Hash] == 0 {
			return true
		}
	}
	return false
}

func (s *Sync) buffered(h blocks.Hash) bool { _, ok := s.buffer[h]; return ok }

// request asks p for blocks.
func (s *Sync) request(now time.Time, p *peer, hashes []blocks.Hash) {
	for _, h := range hashes {
		s.inFlight[h] = p.id
		p.inFlight[h] = now
	}
	s.send(p.id, &MsgGetBlockData{Hashes: hashes})
}

// docs:begin timeouts

// checkTimeouts runs on each tick while requests are out. The peer that
// still holds the window's first block StallTimeout after it was found
// holding up others is dropped and its blocks go to others; the stall
// timeout doubles, up to MaxStallTimeout, so that a network that is
// merely slow does not lose peer after peer. A peer that has not sent
// a block BlockTimeout after it was asked loses its requests and rests
// for as long. A getheaders unanswered in HeadersTimeout is given up.
func (s *Sync) checkTimeouts(now time.Time) {
	if st := s.stall; st.peer != 0 {
		if s.inFlight[st.hash] != st.peer {
			s.stall = stall{} // it came, or went elsewhere
		} else if now.Sub(st.since) >= s.timeout {
			n, _ := s.headers.Node(st.hash)
			s.emit(Stalled{Peer: st.peer, Height: n.Height, Timeout: s.timeout})
			s.timeout = min(2*s.timeout, MaxStallTimeout)
			s.forget(st.peer)
			s.stall = stall{}
			s.out = append(s.out, simulation.Disconnect{Peer: st.peer,
				Err: ErrStalled})
		}
	}
	for _, id := range s.order {
		p := s.peers[id]
		if !p.asked.IsZero() && now.Sub(p.asked) >= s.cfg.HeadersTimeout {
			p.asked = time.Time{}
		}
		late := 0
		for _, at := range p.inFlight {
			if now.Sub(at) >= s.cfg.BlockTimeout {
				late++
			}
		}
		if late == 0 {
			continue
		}
		s.emit(TimedOut{Peer: id, Blocks: len(p.inFlight)})
		for h := range p.inFlight {
			s.release(h)
		}
		p.restUntil = now.Add(s.cfg.BlockTimeout)
	}
}

// docs:end timeouts

// needTick says whether anything waits on a clock.
func (s *Sync) needTick() bool {
	if len(s.inFlight) > 0 || s.stall.peer != 0 {
		return true
	}
	return s.asking()
}

// checkSynced says the node is synced, once: the tree has the best
// header's block (or a tip of as much work), some peer has answered a
// getheaders, none is still asked, and none has shown more work.
func (s *Sync) checkSynced() {
	if s.synced {
		return
	}
	tip := s.tree.Tip()
	if _, has := s.tree.Node(s.headers.Best().Hash); !has &&
		tip.Work.Cmp(s.headers.Best().Work) < 0 {
		return
	}
	answered := false
	for _, p := range s.peers {
		if !p.asked.IsZero() || p.waiting || s.ahead(p.best, tip) {
			return
		}
		answered = answered || p.answered
	}
	if !answered {
		return
	}
	s.synced = true
	s.timeout = s.cfg.StallTimeout
	s.emit(Synced{Height: tip.Height})
}

// announce tells the peers that sent sendheaders of a new tip, once
// synced: the headers they lack, up to MaxAnnounceHeaders of them, or
// the tip's alone when they lack more (they ask for the rest with
// getheaders). A peer whose headers show the tip is not told.
func (s *Sync) announce() {
	tip := s.tree.Tip()
	if !s.synced || tip.Hash == s.toldTip {
		return
	}
	s.toldTip = tip.Hash
	n, ok := s.headers.Node(tip.Hash)
	if !ok {
		return
	}
	for _, id := range s.order {
		p := s.peers[id]
		if !p.sendHeaders || knows(p.best, n) || knows(p.announced, n) {
			continue
		}
		var hs []blocks.Header
		for m := n; m != nil && len(hs) <= MaxAnnounceHeaders; m = m.Parent {
			if knows(p.best, m) || knows(p.announced, m) {
				break
			}
			hs = append(hs, m.Header)
		}
		if len(hs) > MaxAnnounceHeaders {
			hs = hs[:1]
		}
		for i, j := 0, len(hs)-1; i < j; i, j = i+1, j-1 {
			hs[i], hs[j] = hs[j], hs[i]
		}
		p.announced = n
		s.send(id, &blocks.MsgHeaders{Headers: hs})
	}
}

// knows says whether a peer whose best header is best has n.
func knows(best, n *forkchoice.Node) bool {
	return best != nil && best.Ancestor(n.Height) == n
}

// ahead says whether a peer's best header is a block the tree lacks,
// of more work than its tip.
func (s *Sync) ahead(best, tip *forkchoice.Node) bool {
	if best == nil || best.Work.Cmp(tip.Work) <= 0 {
		return false
	}
	_, has := s.tree.Node(best.Hash)
	return !has
}
