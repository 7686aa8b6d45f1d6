//go:build !solution

package pow

import (
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/09-pow"
	"peerchain/tools/exercise"
)

// NextWorkRequired is this chapter's lab: the retarget rule, a
// chapter.RetargetFunc. It returns the bits the next block on parent,
// the block at height parent.Height()+1, must have, by Bitcoin Core's
// GetNextWorkRequired and CalculateNextWorkRequired, exactly:
//
//   - interval = p.RetargetInterval(). A block whose height is not a
//     multiple of it has its parent's bits: the tip's.
//   - A block whose height is a multiple gets a new target. The time
//     the interval took is the tip's Time minus the Time of the
//     interval's first block, which is interval-1 blocks below the
//     tip, not interval: Bitcoin measures 2015 of the 2016 gaps, and
//     consensus has kept that ever since. Times are seconds, and a
//     block's time may be earlier than its parent's.
//   - That time is clamped to [T/4, 4T], T the target timespan in
//     seconds, so one retarget moves the target by a factor of four at
//     most; then new = old * actual / T, rounded down, and never above
//     p.PowLimit, the easiest target there is.
//   - p.NoRetargeting (Bitcoin's regtest): always the tip's bits.
//
// Read and write targets with chapter.CompactToBig and
// chapter.BigToCompact (or your CompactToTarget), not with floats: the
// bits must be the same as every other node's, to the last one. Return
// 0, which no header meets, if parent lacks a header you need. Write it
// without chapter.NextWorkRequired and CalculateNextWorkRequired (they
// are the answer).
//
// It is graded (retarget_test.go) on real retargets of Bitcoin's main
// network and of signet, on rows of the devnet's params, and on seeded
// chains whose hash rate rises and falls, at every height against the
// chapter's rule; `peerchain devnet --lab 09` makes every node check
// every header with it.
func NextWorkRequired(p chapter.Params, parent blocks.ChainView) uint32 {
	exercise.NotAttempted() // delete this line when you start
	tip, _ := parent.HeaderAt(parent.Height())
	return tip.Bits // never retargets: the network cannot keep pace
}
