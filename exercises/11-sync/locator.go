//go:build !solution

package sync

import (
	blocks "peerchain/chapters/08-blocks"
	"peerchain/tools/exercise"
)

// Locator describes the chain c to a peer in a few hashes, as Bitcoin
// Core's GetLocator does: the peer looks for the first of them it has,
// and sends the headers after it.
//
// Start at the tip (c.Height()) with a step of 1 and walk down. After
// each hash listed, step back by the step; then, once the locator
// holds more than chapter.LocatorDense (ten) hashes, double the step.
// So the tip and the eleven blocks below it come one by one, then the
// steps are 2, 4, 8, ... A step that would go below genesis lands on
// genesis, and genesis (height 0) is always last, once. The locator
// holds at most blocks.MaxLocator hashes. For a chain of 1000 blocks
// that is the heights
//
//	1000, 999, ..., 989, 987, 983, 975, 959, 927, 863, 735, 479, 0
//
// A block's hash is its header's: h, _ := c.HeaderAt(height);
// h.BlockHash(). Mind the chain as high as a uint64 goes: no step may
// wrap around.
//
// Write it without chapter.Locator (it is the answer).
func Locator(c blocks.ChainView) []blocks.Hash {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
