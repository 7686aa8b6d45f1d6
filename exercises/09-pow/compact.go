//go:build !solution

package pow

import (
	"math/big"

	"peerchain/tools/exercise"
)

// CompactToTarget reads bits, the compact form of a target that a
// header carries, as Bitcoin Core's SetCompact does. Its top byte is a
// size in bytes, its bit 23 a sign, and its low 23 bits a mantissa:
//
//	target = mantissa * 256^(size-3)
//
// A size under 3 shifts the mantissa right instead, and its low bytes
// fall off. negative says the sign bit is set and the mantissa, once
// shifted, is not zero; the target returned is then negated. overflow
// says a nonzero mantissa does not fit in 256 bits at that size; the
// target returned is then the exact number all the same.
//
// Work out which sizes overflow before you write it: a 256-bit number
// has 32 bytes, yet bits of size 34 still fit when the mantissa's value
// is under 0x100. Its three bytes are not all digits: count the ones
// that are, and mind a mantissa of zero, which is zero at any size.
//
// Write it without chapter.CompactToBig (it is the answer).
func CompactToTarget(bits uint32) (target *big.Int, negative, overflow bool) {
	exercise.NotAttempted() // delete this line when you start
	return new(big.Int), false, false
}
