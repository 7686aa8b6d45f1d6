package pow

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/09-pow"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// labAnchor is a header known by its height: its time, and the bits
// it and the headers above it (up to the next anchor's) carry.
type labAnchor struct {
	height uint64
	time   uint32
	bits   uint32
}

// labSparse is a tall chain of which a few headers are real (the
// anchors, lowest first); the others get times spread evenly between
// them, and ten minutes apart below the first, so that a rule reading
// the wrong header reads a time that is not the one it needs.
type labSparse struct {
	tip     uint64
	anchors []labAnchor
}

func (v labSparse) Height() uint64 { return v.tip }

func (v labSparse) HeaderAt(height uint64) (blocks.Header, bool) {
	if height > v.tip {
		return blocks.Header{}, false
	}
	i, _ := slices.BinarySearchFunc(v.anchors, height, func(a labAnchor, h uint64) int {
		return int(int64(a.height) - int64(h))
	})
	h := blocks.Header{Version: 1}
	switch {
	case i < len(v.anchors) && v.anchors[i].height == height:
		h.Time, h.Bits = v.anchors[i].time, v.anchors[i].bits
	case i == 0:
		a := v.anchors[0]
		h.Time, h.Bits = a.time-uint32(a.height-height)*labBitcoinSpacing, a.bits
	case i == len(v.anchors):
		a := v.anchors[i-1]
		h.Time, h.Bits = a.time+uint32(height-a.height)*labBitcoinSpacing, a.bits
	default:
		lo, hi := v.anchors[i-1], v.anchors[i]
		frac := float64(height-lo.height) / float64(hi.height-lo.height)
		h.Time = lo.time + uint32(frac*float64(hi.time-lo.time))
		h.Bits = lo.bits
	}
	return h, true
}

// labBitcoinSpacing is ten minutes in seconds.
const labBitcoinSpacing = 600

// labRetarget is a real retarget: the tip at height tip with its time
// and bits, and the interval's first block's time, interval-1 blocks
// down, with the same bits.
func labRetarget(tip uint64, tipTime, firstTime, bits uint32) labSparse {
	return labSparse{tip: tip, anchors: []labAnchor{
		{height: tip - 2015, time: firstTime, bits: bits},
		{height: tip, time: tipTime, bits: bits},
	}}
}

// labSlice is a short chain held whole, genesis first.
type labSlice []blocks.Header

func (v labSlice) Height() uint64 { return uint64(len(v)) - 1 }

func (v labSlice) HeaderAt(height uint64) (blocks.Header, bool) {
	if height >= uint64(len(v)) {
		return blocks.Header{}, false
	}
	return v[height], true
}

// labHoles is a chain with one header it cannot give.
type labHoles struct {
	labSlice
	missing uint64
}

func (v labHoles) HeaderAt(height uint64) (blocks.Header, bool) {
	if height == v.missing {
		return blocks.Header{}, false
	}
	return v.labSlice.HeaderAt(height)
}

// labStart is the devnet rows' genesis time: 2026-01-01.
const labStart = 1_767_225_600

// labChain is n headers with these bits, the i-th gap(i) seconds after
// the one before it.
func labChain(n int, bits uint32, gap func(i int) int64) labSlice {
	v := make(labSlice, n)
	t := int64(labStart)
	for i := range v {
		if i > 0 {
			t += gap(i)
		}
		v[i] = blocks.Header{Version: 1, Time: uint32(t), Bits: bits}
	}
	return v
}

// labEvery is a gap of s seconds between every two blocks.
func labEvery(s int64) func(int) int64 { return func(int) int64 { return s } }

// labTarget is the target of bits known to be valid.
func labTarget(bits uint32) *big.Int {
	t, _, _ := chapter.CompactToBig(bits)
	return t
}

// labSignet is signet's params: Bitcoin's timing, a limit of 0x1e0377ae.
var labSignet = chapter.Params{PowLimit: labTarget(0x1e0377ae),
	TargetTimespan: 14 * 24 * time.Hour, TargetSpacing: 10 * time.Minute}

// labWith is p with NoRetargeting set.
func labWith(p chapter.Params, noRetargeting bool) chapter.Params {
	p.NoRetargeting = noRetargeting
	return p
}

// labRow is a chain and the bits its next block must have.
type labRow struct {
	name string
	p    chapter.Params
	view blocks.ChainView
	want uint32
}

// labRows are the graded rows. Each real row says where its figures
// come from.
func labRows() []labRow {
	btc, dev := chapter.BitcoinParams, chapter.DevNetParams
	return []labRow{
		// Bitcoin Core, src/test/pow_tests.cpp: get_next_work (blocks
		// 30240 and 32255 of the main network: the first time the
		// target moved).
		{name: "Bitcoin block 32256: the first retarget that moved",
			p: btc, view: labRetarget(32255, 1262152739, 1261130161, 0x1d00ffff), want: 0x1d00d86a},
		// pow_tests.cpp: get_next_work_pow_limit (blocks 0 and 2015).
		{name: "Bitcoin block 2016: slower than two weeks, held at the limit",
			p: btc, view: labRetarget(2015, 1233061996, 1231006505, 0x1d00ffff), want: 0x1d00ffff},
		// pow_tests.cpp: get_next_work_lower_limit_actual (blocks 66528
		// and 68543: under three and a half days).
		{name: "Bitcoin block 68544: faster than a quarter, clamped",
			p: btc, view: labRetarget(68543, 1279297671, 1279008237, 0x1c05a3f4), want: 0x1c0168fd},
		// pow_tests.cpp: get_next_work_upper_limit_actual (block 46367;
		// the first time is made up, "not an actual block time").
		{name: "Bitcoin block 46368: eight weeks, four times easier",
			p: btc, view: labRetarget(46367, 1269211443, 1263163443, 0x1c387f6f), want: 0x1d00e1fd},
		// rust-bitcoin, bitcoin/src/pow.rs: next_target_mainnet
		// (headers 808416 and 810431, bits of 810432).
		{name: "Bitcoin block 810432",
			p: btc, view: labRetarget(810431, 0x651bc919, 0x650964b5, 0x1704ed7f), want: 0x1704e90f},
		// AnduroProject/alys, app/src/auxpow_miner.rs:
		// should_calculate_target (blocks 104832, 106847 and 106848).
		{name: "Bitcoin block 106848",
			p: btc, view: labRetarget(106847, 1297140342, 1296116171, 453179945), want: 453150034},
		// rust-bitcoin: next_target_mainnet_same_target.
		{name: "Bitcoin block 810431: off the interval, the tip's bits",
			p: btc, view: labRetarget(810430, 0x651bc919, 0x650964b5, 0x1704ed7f), want: 0x1704ed7f},
		// The block after the first retarget keeps its bits: 32256 is
		// a multiple of 2016, 32257 is not.
		{name: "Bitcoin block 32257: the retarget block's child keeps its bits",
			p: btc, view: labSparse{tip: 32256, anchors: []labAnchor{
				{height: 30240, time: 1261130161, bits: 0x1d00ffff},
				{height: 32255, time: 1262152739, bits: 0x1d00ffff},
				{height: 32256, time: 1262153464, bits: 0x1d00d86a},
			}}, want: 0x1d00d86a},
		// rust-bitcoin: compact_target_from_upwards_difficulty_adjustment
		// and ..._downwards_... (signet's genesis, blocks 2015, 2016, 4031).
		{name: "signet block 2016: faster, harder",
			p: labSignet, view: labRetarget(2015, 1599332177, 1598918400, 503543726), want: 503394215},
		{name: "signet block 4032: slower, easier",
			p: labSignet, view: labRetarget(4031, 1600591200, 1599332844, 503394215), want: 503397348},

		// The devnet's params: twelve blocks of five seconds.
		{name: "devnet: genesis' child has genesis' bits",
			p: dev, view: labChain(1, 0x1e0fffff, labEvery(5)), want: 0x1e0fffff},
		{name: "devnet: eleven blocks in, still the same bits",
			p: dev, view: labChain(11, 0x1e0fffff, labEvery(1)), want: 0x1e0fffff},
		{name: "devnet: blocks on time get harder: 11 gaps measured against 12",
			p: dev, view: labChain(12, 0x1e0fffff, labEvery(5)), want: 0x1e0eaaa9},
		{name: "devnet: twice as slow, twice as easy less a gap",
			p: dev, view: labChain(12, 0x1e0fffff, labEvery(10)), want: 0x1e1d5553},
		{name: "devnet: ten times too slow: four times easier, not ten",
			p: dev, view: labChain(12, 0x1e0fffff, labEvery(50)), want: 0x1e3ffffc},
		{name: "devnet: all at one time: a quarter",
			p: dev, view: labChain(12, 0x1e0fffff, labEvery(0)), want: 0x1e03ffff},
		{name: "devnet: the tip older than the first block: a quarter",
			p: dev, view: labChain(12, 0x1e0fffff, func(i int) int64 { return int64(100 - 20*i) }), want: 0x1e03ffff},
		{name: "devnet: slow at the limit: held at the limit",
			p: dev, view: labChain(12, 0x20400000, labEvery(20)), want: 0x207fffff},
		{name: "devnet: the second interval measures from block 12",
			p: dev, view: append(labChain(12, 0x1e0fffff, labEvery(1)),
				labChain(12, 0x1e03ffff, labEvery(10))...), want: 0x1e075553},
		{name: "devnet with NoRetargeting: no change at the interval",
			p: labWith(dev, true), view: labChain(12, 0x1e0fffff, labEvery(50)), want: 0x1e0fffff},
		{name: "devnet: a header missing: 0",
			p: dev, view: labHoles{labChain(12, 0x1e0fffff, labEvery(5)), 0}, want: 0},
	}
}

// check is what next does wrong on the row.
func (row labRow) check(next chapter.RetargetFunc) []string {
	if got := next(row.p, row.view); got != row.want {
		return []string{fmt.Sprintf("bits %08x for the block at height %d, want %08x",
			got, row.view.Height()+1, row.want)}
	}
	return nil
}

func TestNextWorkRequired(t *testing.T) {
	for _, tt := range labRows() {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(NextWorkRequired))
		})
	}
}

// The seeded scenarios: how many seeds, how many headers, and how the
// hash rate moves: every labRateEvery blocks it is multiplied by one
// of labRateSteps.
const (
	labSeeds     = 3
	labHeaders   = 100
	labRateEvery = 7
	labMaxSkew   = 3 // seconds a miner's clock may be off, either way
)

var labRateSteps = []float64{0.25, 0.5, 0.8, 1, 1.25, 2, 4, 8}

// labScenarioParams are the networks the scenarios run on.
var labScenarioParams = []struct {
	name string
	p    chapter.Params
	bits uint32 // genesis'
}{
	{name: "devnet", p: chapter.DevNetParams, bits: 0x1e0fffff},
	{name: "devnet timing, limit at genesis", p: chapter.Params{PowLimit: labTarget(0x1e0fffff),
		TargetTimespan: time.Minute, TargetSpacing: 5 * time.Second}, bits: 0x1e0fffff},
	{name: "testnet", p: chapter.TestNetParams, bits: 0x1e0fffff},
}

// labScenario is a chain of labHeaders headers mined under p by the
// chapter's rule, with a hash rate that rises and falls: each gap is
// drawn from the exponential distribution a block's time has, its mean
// the spacing scaled by how much harder the target is than genesis'
// and by the hash rate, and each time skewed by a few seconds, so that
// some go backwards.
func labScenario(r *rand.Rand, p chapter.Params, bits uint32) labSlice {
	spacing := p.TargetSpacing.Seconds()
	start := new(big.Float).SetInt(labTarget(bits))
	chain := labSlice{{Version: 1, Time: labStart, Bits: bits}}
	clock, rate := float64(labStart), 1.0
	for h := 1; h < labHeaders; h++ {
		if h%labRateEvery == 0 {
			rate *= labRateSteps[r.IntN(len(labRateSteps))]
			rate = min(max(rate, 1.0/64), 64)
		}
		next := chapter.NextWorkRequired(p, chain)
		harder, _ := new(big.Float).Quo(start, new(big.Float).SetInt(labTarget(next))).Float64()
		clock += r.ExpFloat64() * spacing * harder / rate
		skew := float64(r.IntN(2*labMaxSkew+1) - labMaxSkew)
		chain = append(chain, blocks.Header{Version: 1, Bits: next,
			Time: uint32(math.Round(clock + skew))})
	}
	return chain
}

// TestNextWorkRequired_Scenario: on seeded chains of labHeaders
// headers whose hash rate rises and falls, NextWorkRequired gives the
// chapter's bits at every height. The log has each chain's retargets.
func TestNextWorkRequired_Scenario(t *testing.T) {
	testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
		for _, net := range labScenarioParams {
			t.Run(net.name, func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				chain := labScenario(rand.New(rand.NewPCG(seed, 9)), net.p, net.bits)
				var wrong []string
				retargets := 0
				for h := range chain {
					view := chain[:h+1]
					want := chapter.NextWorkRequired(net.p, view)
					if want != chain[h].Bits {
						retargets++
					}
					if got := NextWorkRequired(net.p, view); got != want {
						wrong = append(wrong, fmt.Sprintf("height %d: %08x, want %08x", h+1, got, want))
					}
				}
				exercise.Report(t, "seed %d, %s: bits %08x to %08x in %d changes; %d of %d heights right",
					seed, net.name, chain[0].Bits, chain[len(chain)-1].Bits, retargets,
					len(chain)-len(wrong), len(chain))
				for i, w := range wrong {
					if i == labMaxProblems {
						assert.Fail(t, fmt.Sprintf("... and %d more", len(wrong)-i))
						break
					}
					assert.Fail(t, w)
				}
			})
		}
	})
}

// labMaxProblems bounds the heights a failing scenario lists.
const labMaxProblems = 5

// TestNextWorkRequired_Judge checks the rows themselves: each of these
// wrong rules must fail the rows named. It runs once you have started
// the lab.
func TestNextWorkRequired_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	NextWorkRequired(chapter.DevNetParams, labChain(1, 0x1e0fffff, labEvery(5))) // skips until you start
	var rows []exercise.Row[chapter.RetargetFunc]
	for _, row := range labRows() {
		rows = append(rows, exercise.Row[chapter.RetargetFunc]{Name: row.name,
			Check: func(_ testing.TB, next chapter.RetargetFunc) []string { return row.check(next) }})
	}
	exercise.Judge(t, rows, labWrong(0), []exercise.Wrong[chapter.RetargetFunc]{
		{Name: "the off-by-one fixed: interval blocks back", Impl: labWrong(labFullInterval), MustFail: []string{
			"Bitcoin block 32256: the first retarget that moved", "Bitcoin block 810432",
			"devnet: blocks on time get harder: 11 gaps measured against 12"}},
		{Name: "retargets after a tip at a multiple", Impl: labWrong(labTipHeight), MustFail: []string{
			"Bitcoin block 32257: the retarget block's child keeps its bits",
			"devnet: blocks on time get harder: 11 gaps measured against 12"}},
		{Name: "no clamp", Impl: labWrong(labNoClamp), MustFail: []string{
			"Bitcoin block 68544: faster than a quarter, clamped",
			"devnet: ten times too slow: four times easier, not ten"}},
		{Name: "no limit", Impl: labWrong(labNoLimit), MustFail: []string{
			"Bitcoin block 2016: slower than two weeks, held at the limit",
			"devnet: slow at the limit: held at the limit"}},
		{Name: "times subtracted as uint32", Impl: labWrong(labUint32), MustFail: []string{
			"devnet: the tip older than the first block: a quarter"}},
		{Name: "NoRetargeting ignored", Impl: labWrong(labRetargetAnyway), MustFail: []string{
			"devnet with NoRetargeting: no change at the interval"}},
		{Name: "the stub: never retargets", Impl: labWrong(labNever), MustFail: []string{
			"Bitcoin block 32256: the first retarget that moved"}},
	})
}

// The ways labWrong gets the retarget wrong.
const (
	labFullInterval = 1 << iota
	labTipHeight
	labNoClamp
	labNoLimit
	labUint32
	labRetargetAnyway
	labNever
)

// labWrong is a retarget rule with the mistakes in flags.
func labWrong(flags int) chapter.RetargetFunc {
	return func(p chapter.Params, parent blocks.ChainView) uint32 {
		interval, height := p.RetargetInterval(), parent.Height()
		tip, ok := parent.HeaderAt(height)
		if !ok {
			return 0
		}
		next := height + 1
		if flags&labTipHeight != 0 {
			next = height
		}
		if next%interval != 0 || flags&labNever != 0 ||
			(p.NoRetargeting && flags&labRetargetAnyway == 0) {
			return tip.Bits
		}
		back := interval - 1
		if flags&labFullInterval != 0 {
			back = interval
		}
		if back > height {
			return tip.Bits
		}
		first, ok := parent.HeaderAt(height - back)
		if !ok {
			return 0
		}
		want := int64(p.TargetTimespan / time.Second)
		took := int64(tip.Time) - int64(first.Time)
		if flags&labUint32 != 0 {
			took = int64(tip.Time - first.Time)
		}
		if flags&labNoClamp == 0 {
			took = min(max(took, want/4), want*4)
		}
		target := labTarget(tip.Bits)
		target.Mul(target, big.NewInt(took))
		target.Quo(target, big.NewInt(want))
		if flags&labNoLimit == 0 && target.Cmp(p.PowLimit) > 0 {
			target.Set(p.PowLimit)
		}
		return chapter.BigToCompact(target)
	}
}
