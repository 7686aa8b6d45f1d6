// Package sync is chapter 11: how a node that starts from nothing, or
// was away, catches up with the network, headers first, as Bitcoin
// Core has done since 0.10 and btcd's netsync does.
//
// The node first asks its peers for headers (getheaders with a block
// locator: the last ten hashes of its best chain, then steps that
// double back to genesis) and checks each one as it comes, against the
// branch it extends: it connects, its proof of work and bits are the
// ones chapter 09's rules ask for, and its time is after the median
// time past and not too far in the future. Only then, with the best
// header chain known and checked, does it fetch the blocks' bodies,
// from several peers at once in a moving window, and connect them in
// order. A peer that holds up the window is found and its blocks are
// asked of others. Once the best header's block is connected, the node
// is synced, and from then on new blocks are announced by their
// headers (BIP 130) and fetched the same way.
//
// Sync is a chapter 05 Protocol: a state machine that sits in a
// node's mux beside discovery and broadcast, reads no clock and no
// socket, and reports bad peers through a Scorer.
//
// Other packages import it as
//
//	chainsync "peerchain/chapters/11-sync"
package sync
