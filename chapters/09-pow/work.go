package pow

import (
	"math/big"

	blocks "peerchain/chapters/08-blocks"
)

// twoTo256 is 2^256: how many values a hash can take.
var twoTo256 = new(big.Int).Lsh(big.NewInt(1), targetBits)

// docs:begin work

// Work is how many hashes a block with these bits took, on average:
// a hash is at or below the target with probability
// (target+1)/2^256, so it takes 2^256/(target+1) tries (rounded down,
// as Bitcoin Core's GetBlockProof). Bits that are no valid target
// prove nothing: 0.
func Work(bits uint32) *big.Int {
	target, negative, overflow := CompactToBig(bits)
	if negative || overflow || target.Sign() == 0 {
		return new(big.Int)
	}
	return target.Quo(twoTo256, target.Add(target, big.NewInt(1)))
}

// ChainWork is the work of every block in v, genesis included: what
// Bitcoin Core calls a block's nChainWork, and what decides between
// two chains (chapter 10). It counts each block's target, not how
// lucky its hash was: the target is what the network asked for.
func ChainWork(v blocks.ChainView) *big.Int {
	total := new(big.Int)
	for height := uint64(0); height <= v.Height(); height++ {
		if h, ok := v.HeaderAt(height); ok {
			total.Add(total, Work(h.Bits))
		}
	}
	return total
}

// docs:end work
