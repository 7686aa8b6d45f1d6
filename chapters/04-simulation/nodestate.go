package simulation

import (
	"math/rand/v2"

	wire "peerchain/chapters/02-wire"
)

// peerState is what a node of a network with connections keeps about
// them: the PeerIDs it has handed out and what it says of itself. An
// any-to-any network has none of it, unless a node Advertises.
type peerState struct {
	lastPeer PeerID      // the last PeerID handed out
	version  PeerVersion // what it says in its version message
}

func newPeerState() peerState {
	return peerState{version: PeerVersion{ProtocolVersion: wire.ProtocolVersion,
		UserAgent: SimUserAgent, Relay: true}}
}

func newPeerStates(nodes int) []peerState {
	ps := make([]peerState, nodes)
	for i := range ps {
		ps[i] = newPeerState()
	}
	return ps
}

// peerState returns node id's peer state, making the table if need be.
func (n *Network) peerState(id NodeID) *peerState {
	if n.peers == nil {
		n.peers = newPeerStates(len(n.nodes))
	}
	return &n.peers[id]
}

// random returns the random source of a node's incarnation, seeded from
// the network's seed, the node and the incarnation. First incarnations
// take theirs from the network's slabs.
func (n *Network) random(id NodeID, life uint32) *rand.Rand {
	seed := uint64(id)<<32 | uint64(life) + 3
	if life != 0 {
		return rand.New(rand.NewPCG(n.cfg.Seed, seed))
	}
	src := &n.pcgs[id]
	src.Seed(n.cfg.Seed, seed)
	n.rands[id] = *rand.New(src)
	return &n.rands[id]
}

// sent counts a message a node sent.
func (n *Network) sent(from NodeID, command string, size int) {
	n.stats.Sent.add(size)
	n.stats.ByNode[from].Sent.add(size)
	n.countType(command, size)
}
