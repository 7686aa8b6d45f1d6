//go:build solution

package pow

import "math/big"

// The compact form's fields.
const (
	solutionSignBit  = 0x00800000
	solutionMantissa = 0x007fffff
)

// CompactToTarget reads bits as Bitcoin Core's SetCompact does, the
// sign carried by the target.
func CompactToTarget(bits uint32) (target *big.Int, negative, overflow bool) {
	size := bits >> 24
	word := bits & solutionMantissa
	if size <= 3 {
		word >>= 8 * (3 - size)
		target = new(big.Int).SetUint64(uint64(word))
	} else {
		target = new(big.Int).Lsh(big.NewInt(int64(word)), uint(8*(size-3)))
	}
	// Both flags read the mantissa after the shift: bits whose digits
	// all fell off are zero, whatever the sign bit and the size say.
	negative = word != 0 && bits&solutionSignBit != 0
	overflow = word != 0 && (size > 34 ||
		(word > 0xff && size > 33) || (word > 0xffff && size > 32))
	if negative {
		target.Neg(target)
	}
	return target, negative, overflow
}
