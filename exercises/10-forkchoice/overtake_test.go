package forkchoice

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pow "peerchain/chapters/09-pow"
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// Bits of the BlocksToOvertake rows, and their work (otWorks checks it).
const (
	otBits2   = 0x207fffff // the devnet's easiest target: work 2
	otBits4   = 0x203fffff // work 4
	otBits8   = 0x201fffff // work 8
	otBits16  = 0x200fffff // work 16
	otBitcoin = 0x1d00ffff // Bitcoin's genesis: work 4295032833
)

// otBase is the work below on in every row: the devnet genesis'.
var otBase = pow.Work(0x1e0fffff)

// otRow is on, a tip above it by below blocks of work each, bits for
// the blocks that would overtake, and how many it takes.
type otRow struct {
	name  string
	below int64
	each  *big.Int // the work of each block between on and tip
	bits  uint32
	want  uint64
}

// otPow is 2^n.
func otPow(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

// otOverInt64 is 2^70 / Bitcoin's genesis work, rounded down, plus one.
var otOverInt64 = func() uint64 {
	n := new(big.Int).Quo(otPow(70), big.NewInt(4295032833))
	return n.Uint64() + 1
}()

var otRows = []otRow{
	{name: "on the tip: one block", below: 0, each: big.NewInt(2), bits: otBits2, want: 1},
	{name: "one block behind, the same bits: two, as a tie keeps the tip",
		below: 1, each: big.NewInt(2), bits: otBits2, want: 2},
	{name: "five blocks behind, the same bits: six", below: 5, each: big.NewInt(2), bits: otBits2, want: 6},
	{name: "a gap of 10 in blocks of 4: three", below: 5, each: big.NewInt(2), bits: otBits4, want: 3},
	{name: "a gap of 8 in blocks of 8: two, as one only ties",
		below: 2, each: big.NewInt(4), bits: otBits8, want: 2},
	{name: "harder blocks: one outweighs five", below: 5, each: big.NewInt(2), bits: otBits16, want: 1},
	{name: "easier blocks: seventeen to outweigh two", below: 2, each: big.NewInt(16), bits: otBits2, want: 17},
	{name: "Bitcoin's bits against a gap of 2^70, past an int64",
		below: 1, each: otPow(70), bits: otBitcoin, want: otOverInt64},
	{name: "a count past a uint64: never", below: 1, each: otPow(100), bits: otBits2, want: 0},
	{name: "bits of zero, no target: never", below: 1, each: big.NewInt(2), bits: 0, want: 0},
	{name: "a negative target: never", below: 1, each: big.NewInt(2), bits: 0x04923456, want: 0},
	{name: "a target past 256 bits: never", below: 1, each: big.NewInt(2), bits: 0xff123456, want: 0},
}

// nodes are the row's tip and on: on at height 10 of work otBase, the
// tip below blocks above it.
func (row otRow) nodes() (tip, on *chapter.Node) {
	on = &chapter.Node{Height: 10, Work: new(big.Int).Set(otBase)}
	tip = on
	for range row.below {
		tip = &chapter.Node{Height: tip.Height + 1, Parent: tip,
			Work: new(big.Int).Add(tip.Work, row.each)}
	}
	return tip, on
}

// otFunc is a BlocksToOvertake, the learner's or a wrong one.
type otFunc func(tip, on *chapter.Node, bits uint32) uint64

// check is what count does wrong on the row, if anything.
func (row otRow) check(count otFunc) []string {
	tip, on := row.nodes()
	gap := new(big.Int).Sub(tip.Work, on.Work)
	if got := count(tip, on, row.bits); got != row.want {
		return []string{fmt.Sprintf("%d blocks of bits %08x (work %v each) to overtake a gap of %v, want %d",
			got, row.bits, pow.Work(row.bits), gap, row.want)}
	}
	return nil
}

// otWorks checks the rows' premise: each of their bits has the work
// its name says.
func otWorks(t *testing.T) {
	t.Helper()
	for bits, want := range map[uint32]int64{otBits2: 2, otBits4: 4, otBits8: 8,
		otBits16: 16, otBitcoin: 4295032833} {
		require.Equal(t, big.NewInt(want).String(), pow.Work(bits).String(), "work of bits %08x", bits)
	}
}

func TestBlocksToOvertake(t *testing.T) {
	otWorks(t)
	for _, tt := range otRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(BlocksToOvertake))
		})
	}
}

// TestBlocksToOvertake_Judge checks the rows themselves: each of these
// wrong counts must fail the rows named. It runs once you have started
// the exercise.
func TestBlocksToOvertake_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	tip, on := otRows[0].nodes()
	BlocksToOvertake(tip, on, otBits2) // skips the test until you start
	var rows []exercise.Row[otFunc]
	for _, row := range otRows {
		rows = append(rows, exercise.Row[otFunc]{Name: row.name,
			Check: func(_ testing.TB, count otFunc) []string { return row.check(count) }})
	}
	exercise.Judge(t, rows, otWrong(0), []exercise.Wrong[otFunc]{
		{Name: "rounded up: a tie taken for a win", Impl: otWrong(otCeil), MustFail: []string{
			"on the tip: one block", "one block behind, the same bits: two, as a tie keeps the tip",
			"a gap of 8 in blocks of 8: two, as one only ties"}},
		{Name: "rounded down: short of the gap", Impl: otWrong(otFloor), MustFail: []string{
			"on the tip: one block", "a gap of 10 in blocks of 4: three"}},
		{Name: "blocks counted, not work", Impl: otWrong(otByHeight), MustFail: []string{
			"harder blocks: one outweighs five", "easier blocks: seventeen to outweigh two"}},
		{Name: "the gap as an int64", Impl: otWrong(otInt64), MustFail: []string{
			"Bitcoin's bits against a gap of 2^70, past an int64"}},
		{Name: "a count past a uint64 cut to its low bits", Impl: otWrong(otTruncate), MustFail: []string{
			"a count past a uint64: never"}},
		{Name: "the stub: always 0", Impl: otWrong(otZero), MustFail: []string{
			"on the tip: one block"}},
	})
}

// The ways otWrong counts wrong.
const (
	otCeil = 1 << iota
	otFloor
	otByHeight
	otInt64
	otTruncate
	otZero
)

// otWrong is a BlocksToOvertake with the mistakes in flags.
func otWrong(flags int) otFunc {
	return func(tip, on *chapter.Node, bits uint32) uint64 {
		each := pow.Work(bits)
		if each.Sign() == 0 || flags&otZero != 0 {
			return 0
		}
		if flags&otByHeight != 0 {
			return tip.Height - on.Height + 1
		}
		gap := new(big.Int).Sub(tip.Work, on.Work)
		if flags&otInt64 != 0 {
			gap.SetInt64(gap.Int64())
		}
		n, rem := new(big.Int).QuoRem(gap, each, new(big.Int))
		switch {
		case flags&otCeil != 0:
			if rem.Sign() != 0 {
				n.Add(n, big.NewInt(1))
			}
		case flags&otFloor == 0:
			n.Add(n, big.NewInt(1))
		}
		if !n.IsUint64() && flags&otTruncate == 0 {
			return 0
		}
		return n.Uint64()
	}
}
