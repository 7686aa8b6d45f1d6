//go:build !solution

package sync

import (
	simulation "peerchain/chapters/04-simulation"
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
)

// Stalling says which peer stalls the download window, if one does.
// window is the window's blocks, oldest first; peers are the peers the
// node may ask for blocks now, as the chapter's Scheduler sees them
// (how many blocks each has in flight, and up to which height its
// headers show it has the best chain); perPeer is the most blocks one
// peer may have in flight.
//
// A peer stalls the window when it holds the window's first block (it
// was asked for it and the block has not come) while another peer is
// held up by it. A peer is held up when it has room to fetch more
// (fewer than perPeer in flight), has blocks past the window's end to
// give (its headers go higher than the window's last block), and yet
// finds nothing in the window to ask for: every block of the window it
// has is asked of someone or has come. Only the window moving on would
// give it work, and the window moves on only when its first block
// comes.
//
// Return the stalling peer and true, or 0 and false when nobody
// stalls the window: an empty window, a first block that nobody has
// been asked for or that has come, or nobody held up.
func Stalling(window []Slot, peers []chapter.PeerLoad,
	perPeer int) (simulation.PeerID, bool) {
	exercise.NotAttempted() // delete this line when you start
	return 0, false
}
