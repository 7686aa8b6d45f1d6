//go:build !solution

package forkchoice

import (
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// BlocksToOvertake is how many blocks of these bits a miner must put
// on the block on, one after another, for the tree to follow them
// instead of tip: the least n for which on's branch with n more blocks
// has more work than tip's, under chapter.MostWork. on is tip, one of
// its ancestors, or the tip of a branch the tree does not follow: its
// Work is at most tip's.
//
// Each block of these bits adds chapter 09's pow.Work(bits). Think
// before you write:
//
//   - What counts is work, not blocks: a few blocks of harder bits can
//     outweigh many easy ones.
//   - A tie is not enough: of two tips of equal work, the tree keeps
//     the one it saw first, its own.
//   - Work is a big.Int: a real chain's is far past what an int64
//     holds, and so may be the gap.
//   - Return 0, "never", when no count will do: bits that are no valid
//     target prove no work, and a count past what a uint64 holds is
//     more blocks than anyone will mine.
func BlocksToOvertake(tip, on *chapter.Node, bits uint32) uint64 {
	exercise.NotAttempted() // delete this line when you start
	return 0
}
