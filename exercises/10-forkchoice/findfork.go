//go:build !solution

package forkchoice

import (
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// FindFork is the last block two branches of one tree share: the
// common ancestor of a and b, which may be a or b itself. It is where
// a reorganisation turns: the blocks above it on the old branch come
// off, those above it on the new one go on.
//
// Each Node knows its Parent (nil for genesis) and its Height. Two
// blocks of one branch are the same block when they are the same
// *Node. Mind that the branches need not be the same length: two
// nodes at different heights are never the same block, however long
// you walk them down side by side. And the answer is the block both
// share, not the first block of either branch above it.
//
// Write it without chapter.FindFork and Node.Ancestor (they are the
// answer).
func FindFork(a, b *chapter.Node) *chapter.Node {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
