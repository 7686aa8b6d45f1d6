//go:build solution

package sync

import chapter "peerchain/chapters/11-sync"

// LabScheduler gives each wanted block, oldest first, to the peer that
// has it with the most room left, the first of them on a tie: the
// load spreads over every peer, and a slow one, whose blocks stay in
// flight longer, is asked for less.
type LabScheduler struct{}

var _ chapter.Scheduler = (*LabScheduler)(nil)

// Schedule implements chapter.Scheduler.
func (l *LabScheduler) Schedule(want []chapter.Wanted,
	peers []chapter.PeerLoad, perPeer int) []chapter.Request {
	load := make([]int, len(peers))
	asked := make([][]chapter.Wanted, len(peers))
	for i, p := range peers {
		load[i] = p.InFlight
	}
	for _, w := range want {
		best := -1
		for i, p := range peers {
			if w.Height <= p.Has && load[i] < perPeer &&
				(best < 0 || load[i] < load[best]) {
				best = i
			}
		}
		if best >= 0 {
			load[best]++
			asked[best] = append(asked[best], w)
		}
	}
	var out []chapter.Request
	for i, ws := range asked {
		if len(ws) == 0 {
			continue
		}
		r := chapter.Request{Peer: peers[i].Peer}
		for _, w := range ws {
			r.Hashes = append(r.Hashes, w.Hash)
		}
		out = append(out, r)
	}
	return out
}
