//go:build solution

package sync

import (
	simulation "peerchain/chapters/04-simulation"
	chapter "peerchain/chapters/11-sync"
)

// Stalling blames the holder of the window's first block when some
// other peer with room and more to give finds nothing free in the
// window that it has.
func Stalling(window []Slot, peers []chapter.PeerLoad,
	perPeer int) (simulation.PeerID, bool) {
	if len(window) == 0 || window[0].Peer == 0 || window[0].Come {
		return 0, false
	}
	holder, end := window[0].Peer, window[len(window)-1].Height
	for _, p := range peers {
		if p.Peer == holder || p.InFlight >= perPeer || p.Has <= end {
			continue
		}
		free := false
		for _, s := range window {
			free = free || (s.Peer == 0 && !s.Come && s.Height <= p.Has)
		}
		if !free {
			return holder, true
		}
	}
	return 0, false
}
