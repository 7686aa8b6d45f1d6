package pow

import (
	"math/big"
	"time"

	blocks "peerchain/chapters/08-blocks"
)

// maxAdjust is how far one retarget may move the target either way:
// Bitcoin's factor of four.
const maxAdjust = 4

// RetargetFunc gives the bits the next block on parent must have.
// NextWorkRequired is Bitcoin's; the chapter's lab is the learner's.
type RetargetFunc func(p Params, parent blocks.ChainView) uint32

// docs:begin calculate

// CalculateNextWorkRequired is Bitcoin Core's retarget: the new target
// is the old one scaled by how long the interval took against how long
// it should have, so a network twice as fast gets a target half as
// big. The time taken is clamped to [TargetTimespan/4,
// TargetTimespan*4], so one retarget moves the target by at most a
// factor of four, and the result is never easier than PowLimit. Times
// are in seconds; the division rounds down, as Core's.
func CalculateNextWorkRequired(p Params, lastBits uint32,
	firstBlockTime, lastBlockTime int64) uint32 {
	if p.NoRetargeting {
		return lastBits
	}
	if p.Validate() != nil {
		return 0 // no header can have these bits
	}
	want := int64(p.TargetTimespan / time.Second)
	took := lastBlockTime - firstBlockTime
	took = max(took, want/maxAdjust)
	took = min(took, want*maxAdjust)

	target, _, _ := CompactToBig(lastBits)
	target.Abs(target) // Core reads the magnitude
	target.Mul(target, big.NewInt(took))
	target.Quo(target, big.NewInt(want))
	if target.Cmp(p.PowLimit) > 0 {
		target.Set(p.PowLimit)
	}
	return BigToCompact(target)
}

// docs:end calculate

// docs:begin next-work

// NextWorkRequired is Bitcoin Core's GetNextWorkRequired: the bits of
// the block after parent's tip. Within an interval they are the tip's
// bits. A block whose height is a multiple of RetargetInterval gets a
// new target, from the time between the interval's first block and its
// last, the tip. The first is RetargetInterval-1 blocks back, not
// RetargetInterval: Bitcoin's off-by-one, which measures 2015 of the
// 2016 gaps, and which consensus has kept ever since.
//
// It is 0, which no header can meet, when parent lacks a header it
// needs or p cannot work (Params.Validate).
func NextWorkRequired(p Params, parent blocks.ChainView) uint32 {
	interval := p.RetargetInterval()
	tipHeight := parent.Height()
	tip, ok := parent.HeaderAt(tipHeight)
	if !ok || interval == 0 {
		return 0
	}
	if (tipHeight+1)%interval != 0 {
		return tip.Bits
	}
	first, ok := parent.HeaderAt(tipHeight - (interval - 1))
	if !ok {
		return 0
	}
	return CalculateNextWorkRequired(p, tip.Bits,
		int64(first.Time), int64(tip.Time))
}

// docs:end next-work
