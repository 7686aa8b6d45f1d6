package pow

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compactTests are Bitcoin Core's bignum_SetCompact cases
// (src/test/arith_uint256_tests.cpp), then the edges of its overflow
// rule. back is GetCompact of the number read, with its sign.
var compactTests = []struct {
	name     string
	bits     uint32
	want     string // hex, signed
	negative bool
	overflow bool
	back     uint32
}{
	{"zero", 0x00000000, "0", false, false, 0},
	{"size 0 drops the mantissa", 0x00123456, "0", false, false, 0},
	{"size 1 zero byte", 0x01003456, "0", false, false, 0},
	{"size 2 zero bytes", 0x02000056, "0", false, false, 0},
	{"size 3 zero", 0x03000000, "0", false, false, 0},
	{"size 4 zero", 0x04000000, "0", false, false, 0},
	{"sign of nothing, size 0", 0x00923456, "0", false, false, 0},
	{"sign of nothing, size 1", 0x01803456, "0", false, false, 0},
	{"sign of nothing, size 2", 0x02800056, "0", false, false, 0},
	{"sign of zero, size 3", 0x03800000, "0", false, false, 0},
	{"sign of zero, size 4", 0x04800000, "0", false, false, 0},
	{"one byte", 0x01123456, "12", false, false, 0x01120000},
	{"one byte negative", 0x01fedcba, "-7e", true, false, 0x01fe0000},
	{"two bytes", 0x02123456, "1234", false, false, 0x02123400},
	{"three bytes", 0x03123456, "123456", false, false, 0x03123456},
	{"four bytes", 0x04123456, "12345600", false, false, 0x04123456},
	{"four bytes negative", 0x04923456, "-12345600", true, false, 0x04923456},
	{"leading zero byte", 0x05009234, "92340000", false, false, 0x05009234},
	{"32 bytes", 0x20123456,
		"1234560000000000000000000000000000000000000000000000000000000000",
		false, false, 0x20123456},
	{"bitcoin genesis", 0x1d00ffff,
		"ffff0000000000000000000000000000000000000000000000000000",
		false, false, 0x1d00ffff},
	{"peerchain limit", 0x1e0fffff,
		"fffff000000000000000000000000000000000000000000000000000000",
		false, false, 0x1e0fffff},
	{"devnet limit", 0x207fffff,
		"7fffff0000000000000000000000000000000000000000000000000000000000",
		false, false, 0x207fffff},
	{"size 255 overflows", 0xff123456,
		shifted(0x123456, 252).Text(16), false, true, 0xff123456},
	{"all bits but the sign", 0xff7fffff,
		shifted(0x7fffff, 252).Text(16), false, true, 0xff7fffff},
	{"size 34 one byte fits", 0x220000ff,
		shifted(0xff, 31).Text(16), false, false, 0x2100ff00},
	{"size 34 two bytes overflow", 0x22000100,
		shifted(0x100, 31).Text(16), false, true, 0x21010000},
	{"size 33 two bytes fit", 0x2100ffff,
		shifted(0xffff, 30).Text(16), false, false, 0x2100ffff},
	{"size 33 three bytes overflow", 0x21010000,
		shifted(0x10000, 30).Text(16), false, true, 0x21010000},
	{"size 35 overflows", 0x23000001,
		shifted(1, 32).Text(16), false, true, 0x21010000},
	{"zero never overflows", 0xff000000, "0", false, false, 0},
}

func TestCompactToBig(t *testing.T) {
	for _, tt := range compactTests {
		t.Run(tt.name, func(t *testing.T) {
			target, negative, overflow := CompactToBig(tt.bits)
			assert.Equal(t, hexInt(t, tt.want).Text(16), target.Text(16))
			assert.Equal(t, tt.negative, negative, "negative")
			assert.Equal(t, tt.overflow, overflow, "overflow")
		})
	}
}

func TestBigToCompactOfCompacts(t *testing.T) {
	for _, tt := range compactTests {
		t.Run(tt.name, func(t *testing.T) {
			got := BigToCompact(hexInt(t, tt.want))
			assert.Equal(t, tt.back, got, "%08x, want %08x", got, tt.back)
		})
	}
}

func TestBigToCompact(t *testing.T) {
	huge := new(big.Int).Lsh(big.NewInt(1), 8*255)
	tests := []struct {
		name string
		in   *big.Int
		want uint32
	}{
		{"nil", nil, 0},
		{"zero", big.NewInt(0), 0},
		{"0x80 does not set the sign", big.NewInt(0x80), 0x02008000},
		{"minus one (btcd's vector)", big.NewInt(-1), 0x01810000},
		{"rounds down", big.NewInt(0x12345678), 0x04123456},
		{"top bit moves a byte", big.NewInt(0x80000000), 0x05008000},
		{"bitcoin's powLimit", bitcoinPowLimit(), 0x1d00ffff},
		{"past 255 bytes is the largest", huge, 0xff7fffff},
		{"and negative", new(big.Int).Neg(huge), 0xffffffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BigToCompact(tt.in)
			assert.Equal(t, tt.want, got, "%08x, want %08x", got, tt.want)
		})
	}
}

func FuzzCompact(f *testing.F) {
	for _, tt := range compactTests {
		f.Add(tt.bits, hexInt(&testing.T{}, tt.want).Bytes(), tt.negative)
	}
	f.Add(uint32(0x1d00ffff), bitcoinPowLimit().Bytes(), false)
	f.Add(uint32(0), make([]byte, 300), true)
	f.Add(uint32(0), append([]byte{0x80}, make([]byte, 254)...), false)
	f.Fuzz(func(t *testing.T, bits uint32, raw []byte, neg bool) {
		target, negative, overflow := CompactToBig(bits)
		assert.Equal(t, target.Sign() < 0, negative, "sign")
		assert.Equal(t, target.BitLen() > targetBits, overflow,
			"overflow: %08x", bits)

		// Any bits read back to the same number, whose compact form
		// is then a fixed point.
		c := BigToCompact(target)
		again, _, _ := CompactToBig(c)
		assert.Equal(t, target.Text(16), again.Text(16), "%08x", bits)
		assert.Equal(t, c, BigToCompact(again))
		if target.Sign() == 0 {
			assert.Zero(t, c)
		}

		// Any number is rounded down toward zero, by less than its
		// last kept digit, keeping its sign.
		n := new(big.Int).SetBytes(raw)
		if neg {
			n.Neg(n)
		}
		c = BigToCompact(n)
		back, _, _ := CompactToBig(c)
		if digits := n.Bytes(); len(digits) > maxCompactSize ||
			len(digits) == maxCompactSize && digits[0] >= 0x80 {
			// Past what the form writes: the largest it can.
			assert.Equal(t, uint32(0xff7fffff), c&^compactSignBit)
			return
		}
		assert.Equal(t, n.Sign(), back.Sign(), "sign of %x", n)
		lost := new(big.Int).Sub(new(big.Int).Abs(n), new(big.Int).Abs(back))
		require.GreaterOrEqual(t, lost.Sign(), 0, "rounded up: %x", n)
		size := uint(c >> 24)
		if size <= 3 {
			assert.Zero(t, lost.Sign(), "%x lost digits", n)
		} else {
			step := new(big.Int).Lsh(big.NewInt(1), 8*(size-3))
			assert.Negative(t, lost.Cmp(step), "%x lost too much", n)
		}
	})
}
