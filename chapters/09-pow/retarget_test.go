package pow

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// retargetTests are Bitcoin Core's get_next_work cases
// (src/test/pow_tests.cpp): real main-network retargets.
var retargetTests = []struct {
	name        string
	tipHeight   uint64
	lastBits    uint32
	first, last int64
	want        uint32
}{
	// Blocks 30240 to 32255: a little under two weeks.
	{"no clamp", 32255, 0x1d00ffff, 1261130161, 1262152739, 0x1d00d86a},
	// Blocks 0 to 2015 took longer: capped at the limit.
	{"pow limit", 2015, 0x1d00ffff, 1231006505, 1233061996, 0x1d00ffff},
	// Blocks 66528 to 68543 took 3.3 days: clamped to 3.5.
	{"lower clamp", 68543, 0x1c05a3f4, 1279008237, 1279297671, 0x1c0168fd},
	// Seventy days (the first time is made up): clamped to 56.
	{"upper clamp", 46367, 0x1c387f6f, 1263163443, 1269211443, 0x1d00e1fd},
}

func TestCalculateNextWorkRequired(t *testing.T) {
	// Core's powLimit, and the same rounded to what bits can write:
	// no vector tells them apart.
	limits := []struct {
		name  string
		limit *big.Int
	}{
		{"core limit", BitcoinParams.PowLimit},
		{"compact limit", limit(0x1d00ffff)},
	}
	for _, l := range limits {
		p := BitcoinParams
		p.PowLimit = l.limit
		for _, tt := range retargetTests {
			t.Run(l.name+"/"+tt.name, func(t *testing.T) {
				got := CalculateNextWorkRequired(p, tt.lastBits,
					tt.first, tt.last)
				assert.Equal(t, tt.want, got,
					"%08x, want %08x", got, tt.want)
			})
		}
	}
}

func TestCalculateNextWorkRequiredEdges(t *testing.T) {
	regtest := BitcoinParams
	regtest.NoRetargeting = true
	broken := BitcoinParams
	broken.TargetSpacing = 0
	tests := []struct {
		name        string
		p           Params
		lastBits    uint32
		first, last int64
		want        uint32
	}{
		{"no retargeting keeps the bits", regtest,
			0x1c05a3f4, 1279008237, 1279297671, 0x1c05a3f4},
		{"time running backwards is the lower clamp", BitcoinParams,
			0x1c05a3f4, 1279297671, 1279008237, 0x1c0168fd},
		{"on time, the same target", BitcoinParams,
			0x1c05a3f4, 0, 14 * 24 * 3600, 0x1c05a3f4},
		{"twice as slow, twice the target", BitcoinParams,
			0x1c05a3f4, 0, 28 * 24 * 3600, 0x1c0b47e8},
		// Core's 256-bit arithmetic would wrap here (its chainparams
		// forbid such a limit); big.Int does not.
		{"devnet limit times four stays the limit", DevNetParams,
			0x207fffff, 0, 3600, 0x207fffff},
		{"devnet four times too fast", DevNetParams,
			0x207fffff, 0, 1, 0x201fffff},
		{"params that cannot work give 0", broken,
			0x1d00ffff, 0, 600, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CalculateNextWorkRequired(tt.p, tt.lastBits,
				tt.first, tt.last)
			assert.Equal(t, tt.want, got, "%08x, want %08x", got, tt.want)
		})
	}
}

// bitcoinView is a sparse main-network chain with the headers a
// retarget at tipHeight+1 reads: the tip, the interval's first block
// (interval-1 back), and the one before it, which Bitcoin never reads.
func bitcoinView(tipHeight uint64, lastBits uint32,
	first, last, beforeFirst int64) sparseView {
	const interval = 2016
	headers := map[uint64]blocks.Header{
		tipHeight:                {Time: uint32(last), Bits: lastBits},
		tipHeight - interval + 1: {Time: uint32(first), Bits: lastBits},
	}
	if tipHeight >= interval {
		headers[tipHeight-interval] = blocks.Header{
			Time: uint32(beforeFirst), Bits: lastBits}
	}
	return sparseView{tip: tipHeight, headers: headers}
}

func TestNextWorkRequiredBitcoin(t *testing.T) {
	for _, tt := range retargetTests {
		t.Run(tt.name, func(t *testing.T) {
			// A block before the first a day earlier: reading it
			// would give other bits wherever no clamp hides it.
			view := bitcoinView(tt.tipHeight, tt.lastBits,
				tt.first, tt.last, tt.first-24*3600)
			got := NextWorkRequired(BitcoinParams, view)
			assert.Equal(t, tt.want, got, "%08x, want %08x", got, tt.want)
		})
	}
}

// Reading the block a whole interval back, as the obvious code
// would, gives other bits than Bitcoin's: the off-by-one is kept.
func TestNextWorkRequiredOffByOne(t *testing.T) {
	tt := retargetTests[0]
	view := bitcoinView(tt.tipHeight, tt.lastBits, tt.first, tt.last,
		tt.first-24*3600)
	wrong := CalculateNextWorkRequired(BitcoinParams, tt.lastBits,
		tt.first-24*3600, tt.last)
	require.NotEqual(t, tt.want, wrong, "the test must tell them apart")
	assert.Equal(t, tt.want, NextWorkRequired(BitcoinParams, view))
}

func TestNextWorkRequired(t *testing.T) {
	p := DevNetParams // interval 12, one minute
	require.Equal(t, uint64(12), p.RetargetInterval())
	regtest := p
	regtest.NoRetargeting = true
	broken := p
	broken.TargetSpacing = 0

	// Twelve blocks (0 to 11) a second apart, then one more: blocks
	// 12 and 13 are mined on them.
	fast := chainOf(12, 0x207fffff, 1000, 1)
	fast[5].Bits = 0x1f00ffff // bits the rule must not read off-interval
	pastRetarget := append(chainOf(12, 0x207fffff, 1000, 1),
		blocks.Header{Time: 1012, Bits: 0x1f7fffff})

	tests := []struct {
		name   string
		p      Params
		parent blocks.ChainView
		want   uint32
	}{
		{"genesis's child takes genesis's bits", p,
			chainOf(1, 0x1e0fffff, 1000, 5), 0x1e0fffff},
		{"off the interval, the tip's bits", p, fast[:6], 0x1f00ffff},
		{"the block before the retarget, still the tip's", p,
			chainOf(11, 0x207fffff, 1000, 1), 0x207fffff},
		{"at the interval, four times harder (clamped)", p, fast,
			0x201fffff},
		{"after the retarget, the new bits", p, pastRetarget,
			0x1f7fffff},
		// On time, yet 11 gaps of 5 s are measured against 60 s:
		// the off-by-one makes it 11/12 of the target.
		{"on time, a twelfth harder", p,
			chainOf(12, 0x1f7fffff, 1000, 5), 0x1f755554},
		{"no retargeting at the interval", regtest, fast, 0x207fffff},
		{"params that cannot work give 0", broken, fast, 0},
		{"a tip the view lacks gives 0", p,
			sparseView{tip: 11, headers: map[uint64]blocks.Header{
				0: {Bits: 0x207fffff}}}, 0},
		{"a first block the view lacks gives 0", p,
			sparseView{tip: 11, headers: map[uint64]blocks.Header{
				11: {Bits: 0x207fffff}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextWorkRequired(tt.p, tt.parent)
			assert.Equal(t, tt.want, got, "%08x, want %08x", got, tt.want)
		})
	}
}

func TestRetargetTiming(t *testing.T) {
	// The window the rule measures: interval-1 gaps.
	p := TestNetParams
	view := chainOf(60, 0x1e0fffff, 0, uint32(p.TargetSpacing/time.Second))
	first, _ := view.HeaderAt(0)
	last, _ := view.HeaderAt(59)
	assert.Equal(t, int64(59*60), int64(last.Time-first.Time),
		"59 of the 60 gaps")
	// 59 minutes measured against 60 wanted: a little harder.
	got := NextWorkRequired(p, view)
	want := CalculateNextWorkRequired(p, 0x1e0fffff, 0, 59*60)
	assert.Equal(t, want, got)
	gotTarget, _, _ := CompactToBig(got)
	assert.Negative(t, gotTarget.Cmp(p.PowLimit))
}
