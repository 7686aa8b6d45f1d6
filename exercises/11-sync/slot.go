package sync

import simulation "peerchain/chapters/04-simulation"

// Slot is one block of the download window: its height on the best
// header chain, the peer it is asked of (0: nobody yet), and whether
// it has come (it waits in the buffer for the blocks before it).
type Slot struct {
	Height uint64
	Peer   simulation.PeerID
	Come   bool
}
