package pow

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chapter "peerchain/chapters/09-pow"
	"peerchain/tools/exercise"
)

// ctRow is bits and what they read as: the target in hex, "-" for a
// negative one.
type ctRow struct {
	name               string
	bits               uint32
	target             string
	negative, overflow bool
}

// ctRows: first Bitcoin Core's cases (src/test/arith_uint256_tests.cpp,
// bignum_SetCompact; Core keeps the magnitude where these carry the
// sign, and checks only the flags of 0xff123456), then real networks'
// bits, then the edges of overflow as SetCompact's rule puts them.
var ctRows = []ctRow{
	{name: "Core: zero", bits: 0, target: "0"},
	{name: "Core: size 0 shifts every digit off", bits: 0x00123456, target: "0"},
	{name: "Core: size 1 keeps the top byte, here 0", bits: 0x01003456, target: "0"},
	{name: "Core: size 2 keeps two bytes, here 0", bits: 0x02000056, target: "0"},
	{name: "Core: size 3, mantissa 0", bits: 0x03000000, target: "0"},
	{name: "Core: size 4, mantissa 0", bits: 0x04000000, target: "0"},
	{name: "Core: the sign bit of a mantissa shifted to 0", bits: 0x00923456, target: "0"},
	{name: "Core: the sign bit with digits that fall off", bits: 0x01803456, target: "0"},
	{name: "Core: the sign bit, size 2, digits that fall off", bits: 0x02800056, target: "0"},
	{name: "Core: the sign bit alone, size 3", bits: 0x03800000, target: "0"},
	{name: "Core: the sign bit alone, size 4", bits: 0x04800000, target: "0"},
	{name: "Core: size 1", bits: 0x01123456, target: "12"},
	{name: "Core: size 1, negative", bits: 0x01fedcba, target: "-7e", negative: true},
	{name: "Core: size 2", bits: 0x02123456, target: "1234"},
	{name: "Core: size 3: the mantissa as it is", bits: 0x03123456, target: "123456"},
	{name: "Core: size 4", bits: 0x04123456, target: "12345600"},
	{name: "Core: size 4, negative", bits: 0x04923456, target: "-12345600", negative: true},
	{name: "Core: a leading zero byte", bits: 0x05009234, target: "92340000"},
	{name: "Core: size 32", bits: 0x20123456, target: "123456" + ctZeros(29)},
	{name: "Core: size 255 overflows", bits: 0xff123456, target: "123456" + ctZeros(252), overflow: true},

	{name: "Bitcoin's genesis and its limit", bits: 0x1d00ffff, target: "ffff" + ctZeros(26)},
	{name: "Bitcoin block 100000", bits: 0x1b04864c, target: "4864c" + ctZeros(24)},
	{name: "signet's limit", bits: 0x1e0377ae, target: "377ae" + ctZeros(27)},
	{name: "peerchain's main and test networks' limit", bits: 0x1e0fffff, target: "fffff" + ctZeros(27)},
	{name: "the devnet's limit, regtest's", bits: 0x207fffff, target: "7fffff" + ctZeros(29)},

	{name: "size 33, two digits: fits", bits: 0x2100ffff, target: "ffff" + ctZeros(30)},
	{name: "size 33, three digits: overflows", bits: 0x21010000, target: "10000" + ctZeros(30), overflow: true},
	{name: "size 34, one digit: fits", bits: 0x220000ff, target: "ff" + ctZeros(31)},
	{name: "size 34, two digits: overflows", bits: 0x22000100, target: "100" + ctZeros(31), overflow: true},
	{name: "size 35, one digit: overflows", bits: 0x23000001, target: "1" + ctZeros(32), overflow: true},
	{name: "size 255, mantissa 0: zero, no overflow", bits: 0xff000000, target: "0"},
	{name: "size 255, the sign bit alone: zero", bits: 0xff800000, target: "0"},
	{name: "size 34, negative: fits", bits: 0x22800001, target: "-1" + ctZeros(31), negative: true},
}

// ctZeros is n zero bytes in hex.
func ctZeros(n int) string {
	return strings.Repeat("00", n)
}

// ctFunc is a CompactToTarget, the learner's or a wrong one.
type ctFunc func(bits uint32) (*big.Int, bool, bool)

// check is what read does wrong on the row.
func (row ctRow) check(read ctFunc) []string {
	target, negative, overflow := read(row.bits)
	var out []string
	if got := ctHex(target); got != row.target {
		out = append(out, fmt.Sprintf("bits %08x: target %s, want %s", row.bits, got, row.target))
	}
	if negative != row.negative {
		out = append(out, fmt.Sprintf("bits %08x: negative %v, want %v", row.bits, negative, row.negative))
	}
	if overflow != row.overflow {
		out = append(out, fmt.Sprintf("bits %08x: overflow %v, want %v", row.bits, overflow, row.overflow))
	}
	return out
}

// ctHex writes a target in hex, nil as "nil".
func ctHex(n *big.Int) string {
	if n == nil {
		return "nil"
	}
	return fmt.Sprintf("%x", n)
}

func TestCompactToTarget(t *testing.T) {
	for _, tt := range ctRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			for _, p := range tt.check(CompactToTarget) {
				assert.Fail(t, p)
			}
		})
	}
}

// ctRandom is how many seeded bits TestCompactToTarget_Chapter reads.
const ctRandom = 2000

// TestCompactToTarget_Chapter: on seeded bits of every size, and
// mantissas with and without their sign bit, CompactToTarget agrees
// with the chapter's CompactToBig.
func TestCompactToTarget_Chapter(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	r := rand.New(rand.NewPCG(9, 1))
	for range ctRandom {
		bits := r.Uint32()
		if r.IntN(2) == 0 { // mostly sizes near the edges
			bits = uint32(r.IntN(40))<<24 | bits&0xffffff
		}
		if r.IntN(4) == 0 { // short mantissas
			bits &^= 0x00ffff00 >> (8 * r.IntN(3))
		}
		want, wantNeg, wantOver := chapter.CompactToBig(bits)
		got, neg, over := CompactToTarget(bits)
		require.NotNil(t, got, "bits %08x", bits)
		assert.Equal(t, ctHex(want), ctHex(got), "bits %08x: target", bits)
		assert.Equal(t, wantNeg, neg, "bits %08x: negative", bits)
		assert.Equal(t, wantOver, over, "bits %08x: overflow", bits)
		if t.Failed() {
			return // one bits value says it
		}
	}
}

// TestCompactToTarget_Judge checks the rows themselves: each of these
// wrong readings must fail the rows named. It runs once you have
// started the exercise.
func TestCompactToTarget_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	CompactToTarget(0) // skips the test until you start
	var rows []exercise.Row[ctFunc]
	for _, row := range ctRows {
		rows = append(rows, exercise.Row[ctFunc]{Name: row.name,
			Check: func(_ testing.TB, read ctFunc) []string { return row.check(read) }})
	}
	exercise.Judge(t, rows, ctWrong(0), []exercise.Wrong[ctFunc]{
		{Name: "the sign bit left in the mantissa", Impl: ctWrong(ctKeepSign), MustFail: []string{
			"Core: size 4, negative", "Core: size 1, negative"}},
		{Name: "negative from the sign bit alone", Impl: ctWrong(ctSignOnly), MustFail: []string{
			"Core: the sign bit with digits that fall off", "size 255, the sign bit alone: zero"}},
		{Name: "the sign reported, not applied", Impl: ctWrong(ctMagnitude), MustFail: []string{
			"Core: size 4, negative"}},
		{Name: "overflow from the size alone", Impl: ctWrong(ctSizeOnly), MustFail: []string{
			"size 33, two digits: fits", "size 34, one digit: fits", "size 255, mantissa 0: zero, no overflow"}},
		{Name: "overflow past 32 bytes of mantissa", Impl: ctWrong(ctThreeDigits), MustFail: []string{
			"size 34, one digit: fits", "size 33, two digits: fits"}},
		{Name: "small sizes not shifted", Impl: ctWrong(ctNoRightShift), MustFail: []string{
			"Core: size 1", "Core: size 2"}},
	})
}

// The ways ctWrong reads bits wrong.
const (
	ctKeepSign = 1 << iota
	ctSignOnly
	ctMagnitude
	ctSizeOnly
	ctThreeDigits
	ctNoRightShift
)

// ctWrong is a CompactToTarget with the mistakes in flags.
func ctWrong(flags int) ctFunc {
	return func(bits uint32) (*big.Int, bool, bool) {
		size, word := bits>>24, bits&0x007fffff
		if flags&ctKeepSign != 0 {
			word = bits & 0x00ffffff
		}
		target := new(big.Int)
		switch {
		case size <= 3 && flags&ctNoRightShift == 0:
			word >>= 8 * (3 - size)
			target.SetUint64(uint64(word))
		case size <= 3:
			target.SetUint64(uint64(word))
		default:
			target.Lsh(big.NewInt(int64(word)), uint(8*(size-3)))
		}
		negative := word != 0 && bits&0x00800000 != 0
		if flags&ctSignOnly != 0 {
			negative = bits&0x00800000 != 0
		}
		if flags&ctKeepSign != 0 {
			negative = false
		}
		overflow := word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
		switch {
		case flags&ctSizeOnly != 0:
			overflow = size > 32
		case flags&ctThreeDigits != 0:
			overflow = word != 0 && size > 32
		}
		if negative && flags&ctMagnitude == 0 {
			target.Neg(target)
		}
		return target, negative, overflow
	}
}
