//go:build solution

package pow

import (
	"math/big"
	"time"

	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/09-pow"
)

// solutionMaxAdjust is how far one retarget moves the target: four
// times either way.
const solutionMaxAdjust = 4

// NextWorkRequired gives the bits of the block after parent's tip, by
// Bitcoin's retarget rule.
func NextWorkRequired(p chapter.Params, parent blocks.ChainView) uint32 {
	interval := p.RetargetInterval()
	height := parent.Height()
	tip, ok := parent.HeaderAt(height)
	if !ok || interval == 0 {
		return 0
	}
	if (height+1)%interval != 0 || p.NoRetargeting {
		return tip.Bits
	}
	first, ok := parent.HeaderAt(height - (interval - 1))
	if !ok {
		return 0
	}
	want := int64(p.TargetTimespan / time.Second)
	took := int64(tip.Time) - int64(first.Time) // may be negative
	took = min(max(took, want/solutionMaxAdjust), want*solutionMaxAdjust)

	target, _, _ := chapter.CompactToBig(tip.Bits)
	target.Abs(target)
	target.Mul(target, big.NewInt(took))
	target.Quo(target, big.NewInt(want))
	if target.Cmp(p.PowLimit) > 0 {
		target.Set(p.PowLimit)
	}
	return chapter.BigToCompact(target)
}
