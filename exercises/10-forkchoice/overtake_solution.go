//go:build solution

package forkchoice

import (
	"math/big"

	pow "peerchain/chapters/09-pow"
	chapter "peerchain/chapters/10-forkchoice"
)

// BlocksToOvertake divides the gap in work by a block's work, rounding
// down, and adds one: n blocks that only close the gap make a tie,
// which the tip wins.
func BlocksToOvertake(tip, on *chapter.Node, bits uint32) uint64 {
	each := pow.Work(bits)
	if each.Sign() == 0 {
		return 0
	}
	gap := new(big.Int).Sub(tip.Work, on.Work)
	n := gap.Quo(gap, each)
	n.Add(n, big.NewInt(1))
	if !n.IsUint64() {
		return 0
	}
	return n.Uint64()
}
