package pow

import "math/big"

// The compact form's fields: an exponent byte, a sign bit, and a
// 23-bit mantissa.
const (
	compactSignBit  = 0x00800000
	compactMantissa = 0x007fffff
	// maxCompactSize is the largest exponent the form's byte holds:
	// BigToCompact gives the largest number it can write for anything
	// bigger.
	maxCompactSize = 0xff
	// targetBits is the width of a target, and of a hash.
	targetBits = 256
)

// docs:begin compact-to-big

// CompactToBig reads bits, Bitcoin's compact form of a target, as
// Bitcoin Core's SetCompact does: the top byte is a length in bytes
// (the exponent), bit 23 a sign, and the low 23 bits the number's first
// digits in base 256 (the mantissa), so
//
//	target = mantissa * 256^(exponent-3)
//
// negative says the sign bit was set on a nonzero mantissa: no target
// can be negative, but the form allows it, so a header can claim it.
// The target returned carries that sign (as btcd's CompactToBig; Core
// keeps the magnitude and the flag). overflow says the number does not
// fit in 256 bits; target is then its exact value, which no valid
// header has.
func CompactToBig(bits uint32) (target *big.Int, negative, overflow bool) {
	size := bits >> 24
	word := bits & compactMantissa
	if size <= 3 {
		// A short number: the mantissa's low bytes fall off.
		word >>= 8 * (3 - size)
		target = new(big.Int).SetUint64(uint64(word))
	} else {
		target = new(big.Int).SetUint64(uint64(word))
		target.Lsh(target, uint(8*(size-3)))
	}
	negative = word != 0 && bits&compactSignBit != 0
	overflow = word != 0 && (size > 34 ||
		(word > 0xff && size > 33) ||
		(word > 0xffff && size > 32))
	if negative {
		target.Neg(target)
	}
	return target, negative, overflow
}

// docs:end compact-to-big

// docs:begin big-to-compact

// BigToCompact writes a number in compact form, as Bitcoin Core's
// GetCompact: its first three bytes and its length. What the three
// bytes cannot hold is rounded down. A mantissa whose top bit is set
// would read as negative, so it loses a byte and the length grows by
// one: 0x80 is 0x02008000, not 0x01800000. A negative number sets the
// sign bit.
func BigToCompact(target *big.Int) uint32 {
	if target == nil || target.Sign() == 0 {
		return 0
	}
	digits := target.Bytes() // the magnitude, big-endian
	size := len(digits)
	var mantissa uint32
	for i := range 3 {
		mantissa <<= 8
		if i < size {
			mantissa |= uint32(digits[i])
		}
	}
	if mantissa&compactSignBit != 0 {
		mantissa >>= 8
		size++
	}
	if size > maxCompactSize {
		// Beyond the form: Core asserts; the largest it can write
		// is the nearest answer.
		size, mantissa = maxCompactSize, compactMantissa
	}
	compact := uint32(size)<<24 | mantissa
	if target.Sign() < 0 {
		compact |= compactSignBit
	}
	return compact
}

// docs:end big-to-compact
