package pow

import (
	"math/big"
	"slices"

	blocks "peerchain/chapters/08-blocks"
)

// HashToBig reads a hash as Bitcoin does when it compares it with a
// target: as a little-endian number, so its last byte is the most
// significant (the first one its reversed hex shows).
func HashToBig(hash [32]byte) *big.Int {
	slices.Reverse(hash[:]) // hash is a copy: big.Int wants big-endian
	return new(big.Int).SetBytes(hash[:])
}

// docs:begin check-pow

// CheckProofOfWork is Bitcoin Core's: bits must be a target (positive,
// in 256 bits) no easier than powLimit, and the hash, read as a
// number, at or below it. Finding such a hash takes, on average,
// Work(bits) tries; checking it takes one.
func CheckProofOfWork(hash [32]byte, bits uint32, powLimit *big.Int) error {
	target, negative, overflow := CompactToBig(bits)
	switch {
	case negative:
		return ruleError(ErrBadTarget, "bits %08x are negative", bits)
	case overflow:
		return ruleError(ErrBadTarget,
			"bits %08x overflow 256 bits", bits)
	case target.Sign() == 0:
		return ruleError(ErrBadTarget, "bits %08x are zero", bits)
	case powLimit == nil:
		return ruleError(ErrBadTarget, "no proof-of-work limit")
	case target.Cmp(powLimit) > 0:
		return ruleError(ErrBadTarget,
			"bits %08x are easier than the limit %08x",
			bits, BigToCompact(powLimit))
	}
	if HashToBig(hash).Cmp(target) > 0 {
		return ruleError(ErrHighHash, "hash %v above target %064x",
			blocks.Hash(hash), target)
	}
	return nil
}

// docs:end check-pow
