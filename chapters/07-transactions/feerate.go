package transactions

import (
	"cmp"
	"math/bits"
)

// docs:begin feerate

// FeeRate is a fee per byte of encoding, kept as the fraction it is:
// a block has room for bytes, so a miner ranks transactions by what
// each byte of them pays.
type FeeRate struct{ Fee, Size uint64 }

// RateOf is tx's fee rate.
func RateOf(tx *Tx) FeeRate { return FeeRate{Fee: tx.Fee, Size: uint64(tx.Size())} }

// Cmp compares two fee rates without dividing: a/b against c/d is
// a·d against c·b, in 128 bits so that no product overflows.
func (r FeeRate) Cmp(o FeeRate) int {
	hi1, lo1 := bits.Mul64(r.Fee, o.Size)
	hi2, lo2 := bits.Mul64(o.Fee, r.Size)
	if c := cmp.Compare(hi1, hi2); c != 0 {
		return c
	}
	return cmp.Compare(lo1, lo2)
}

// docs:end feerate

// PerByte is the rate in units a byte, as a float, for display.
func (r FeeRate) PerByte() float64 {
	if r.Size == 0 {
		return 0
	}
	return float64(r.Fee) / float64(r.Size)
}
