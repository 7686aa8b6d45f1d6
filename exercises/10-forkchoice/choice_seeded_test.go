package forkchoice

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// The seeded trees: how many, how many blocks each, and how they are
// made and given.
const (
	labSeeds         = 5
	labSeededBlocks  = 60
	labSeededDepth   = 6  // the trees' MaxReorgDepth, so some forks are too deep
	labRecent        = 4  // a block is mostly on one of the last few made
	labOnAnyOdds     = 5  // one in this many is on any block made before
	labTxOdds        = 3  // one in this many holds a transfer of alice's
	labOverpayOdds   = 15 // one in this many pays itself too much
	labOnInvalidOdds = 6  // one in this many is on an invalid block, if any
	labLateOdds      = 5  // one in this many comes up to labMaxLate later
	labMaxLate       = 3
)

// labSeededRow names the first seeded tree among the Judge's rows.
const labSeededRow = "Seeded: seed 1"

// labSeededBits are the bits a seeded block may have: work 2, 4 or 8.
var labSeededBits = []uint32{labEasy, labEasy, labHard, labHarder}

// labAccounts are the accounts the seeded trees compare.
var labAccounts = []string{"A", "B", "C", "alice", "bob"}

// labRandomBlocks is a seeded tree's blocks, in the order made, and the
// order they are given in.
func labRandomBlocks(seed uint64) ([]labBlock, []string) {
	r := rand.New(rand.NewPCG(seed, 10))
	valid := []string{"g"}              // blocks honest miners build on, oldest first
	var invalid []string                // blocks that break a rule, or are on one that does
	nonces := map[string]uint64{"g": 0} // alice's next nonce on each branch
	var list []labBlock
	for i := 1; i <= labSeededBlocks; i++ {
		parent := valid[max(0, len(valid)-1-r.IntN(labRecent))]
		switch {
		case len(invalid) > 0 && r.IntN(labOnInvalidOdds) == 0:
			parent = invalid[r.IntN(len(invalid))]
		case r.IntN(labOnAnyOdds) == 0:
			parent = valid[r.IntN(len(valid))]
		}
		b := labBlock{name: fmt.Sprintf("r%d", i), parent: parent,
			bits: labSeededBits[r.IntN(len(labSeededBits))], miner: string(rune('A' + r.IntN(3)))}
		nonces[b.name] = nonces[parent]
		if r.IntN(labTxOdds) == 0 {
			b.txs = []*transactions.Tx{labPay(nonces[parent], labCoin, uint64(1+r.IntN(3)))}
			nonces[b.name]++
		}
		b.overpay = r.IntN(labOverpayOdds) == 0
		if b.overpay || slices.Contains(invalid, parent) {
			invalid = append(invalid, b.name)
		} else {
			valid = append(valid, b.name)
		}
		list = append(list, b)
	}
	type late struct {
		name string
		key  int
	}
	order := make([]late, len(list))
	for i, b := range list {
		order[i] = late{b.name, 2 * i}
		if r.IntN(labLateOdds) == 0 {
			order[i].key += 2*(1+r.IntN(labMaxLate)) + 1
		}
	}
	slices.SortStableFunc(order, func(a, b late) int { return a.key - b.key })
	given := make([]string, len(order))
	for i, o := range order {
		given[i] = o.name
	}
	return list, given
}

// labSeededSummary is what happened in a seeded tree, by the reference.
type labSeededSummary struct {
	given, blocks                                         int // given before the trees parted, of blocks
	orphaned, reorgs, deepest, invalid, knownBad, tooDeep int
	height                                                uint64
}

func (s labSeededSummary) String() string {
	agree := fmt.Sprintf("your tree believed what MostWork's did after each of %d blocks", s.blocks)
	if s.given < s.blocks {
		agree = fmt.Sprintf("your tree parted from MostWork's at block %d of %d; until then", s.given, s.blocks)
	}
	return fmt.Sprintf("%s: %d came before their parent, %d reorganisations (the deepest %d), "+
		"%d found invalid and %d on those, %d refused as too deep; the chain at height %d",
		agree, s.orphaned, s.reorgs, s.deepest, s.invalid, s.knownBad, s.tooDeep, s.height)
}

// labSeeded gives the blocks of seed's tree to a tree with choice and
// to one with chapter.MostWork, and says where they first disagree:
// Add's error, the Change, the tip, the accounts.
func labSeeded(seed uint64, choice chapter.Choice) ([]string, labSeededSummary) {
	list, given := labRandomBlocks(seed)
	sum := labSeededSummary{blocks: len(given)}
	w, err := newLabWorld(list)
	if err != nil {
		return []string{err.Error()}, sum
	}
	tree, err := labTree(choice, labSeededDepth)
	if err != nil {
		return []string{err.Error()}, sum
	}
	ref, err := labTree(chapter.MostWork{}, labSeededDepth)
	if err != nil {
		return []string{err.Error()}, sum
	}
	for i, name := range given {
		b := w.blocks[name]
		want, wantErr := ref.Add(b, labNow)
		got, gotErr := labAdd(tree, b)
		sum.given++
		sum.tooDeep += labCount(errors.Is(wantErr, chapter.ErrForkTooOld))
		sum.knownBad += labCount(errors.Is(wantErr, chapter.ErrKnownInvalid))
		if want != nil {
			sum.orphaned += labCount(want.Orphaned)
			sum.invalid += len(want.Invalid)
			if len(want.Disconnected) > 0 {
				sum.reorgs++
				sum.deepest = max(sum.deepest, len(want.Disconnected))
			}
		}
		sum.height = ref.Tip().Height
		var problems []string
		switch {
		case (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()):
			problems = append(problems, fmt.Sprintf("Add: error %v, want %v", gotErr, wantErr))
		}
		if got != nil && want != nil {
			problems = append(problems, w.sameChange(got, want)...)
		} else if (got == nil) != (want == nil) {
			problems = append(problems, fmt.Sprintf("a Change %v, want %v", got != nil, want != nil))
		}
		if g, r := w.name(tree.Tip().Hash), w.name(ref.Tip().Hash); g != r {
			problems = append(problems, fmt.Sprintf("tip %s at height %d, want %s at height %d",
				g, tree.Tip().Height, r, ref.Tip().Height))
		}
		for _, a := range labAccounts {
			g := tree.Chain().State().Account(labAddr(a))
			r := ref.Chain().State().Account(labAddr(a))
			if g != r {
				problems = append(problems, fmt.Sprintf("%s has %s (nonce %d), want %s (nonce %d)",
					a, labAmount(g.Balance), g.Nonce, labAmount(r.Balance), r.Nonce))
			}
		}
		if len(problems) > 0 {
			lb := list[slices.IndexFunc(list, func(l labBlock) bool { return l.name == name })]
			out := []string{fmt.Sprintf("seed %d, block %d of %d given: %s, on %s, bits %08x, %d transfers, overpays %v:",
				seed, i+1, len(given), name, lb.parent, lb.bits, len(lb.txs), lb.overpay)}
			for _, p := range problems {
				out = append(out, "  "+p)
			}
			return out, sum
		}
	}
	return nil, sum
}

// labCount is 1 for true.
func labCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sameChange says where got differs from want.
func (w *labWorld) sameChange(got, want *chapter.Change) []string {
	var out []string
	pair := []struct {
		what      string
		got, want []string
	}{
		{"Added", w.nodeNames(got.Added), w.nodeNames(want.Added)},
		{"Disconnected", w.blockNames(got.Disconnected), w.blockNames(want.Disconnected)},
		{"Connected", w.blockNames(got.Connected), w.blockNames(want.Connected)},
		{"Invalid", w.invalidNames(got.Invalid), w.invalidNames(want.Invalid)},
	}
	if got.Orphaned != want.Orphaned {
		out = append(out, fmt.Sprintf("Orphaned %v, want %v", got.Orphaned, want.Orphaned))
	}
	for _, p := range pair {
		if !slices.Equal(p.got, p.want) {
			out = append(out, fmt.Sprintf("%s %v, want %v", p.what, p.got, p.want))
		}
	}
	return out
}

// invalidNames names the invalid blocks.
func (w *labWorld) invalidNames(inv []chapter.Invalid) []string {
	out := make([]string, len(inv))
	for i, v := range inv {
		out[i] = w.name(v.Hash)
	}
	return out
}

// TestLabChoice_Seeded: on seeded trees of random blocks, some late,
// some invalid, some on forks too deep, given in a random order, a
// tree with LabChoice believes after every block what one with
// chapter.MostWork believes. The log says what each tree went through.
func TestLabChoice_Seeded(t *testing.T) {
	testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
		defer exercise.SkipIfNotAttempted(t)
		problems, sum := labSeeded(seed, LabChoice{})
		exercise.Report(t, "seed %d: %v", seed, sum)
		if len(problems) > 0 {
			assert.Fail(t, strings.Join(problems, "\n"))
			return
		}
		require.NotZero(t, sum.reorgs, "a seeded tree with no reorganisation tests little")
	})
}
