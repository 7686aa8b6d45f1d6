package forkchoice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// Bits of the scenarios' blocks: the work of each (otWorks checks it).
const (
	labEasy    = otBits2  // work 2
	labHard    = otBits4  // work 4
	labHarder  = otBits8  // work 8
	labHardest = otBits16 // work 16
)

// labScenario is a story: blocks made, then given to a tree one by
// one, each step saying what the tree must believe after it.
type labScenario struct {
	name     string
	maxReorg uint64 // 0: the default
	blocks   []labBlock
	steps    []labStep
}

// on is the blocks of one miner and bits, each on the one before, the
// first on parent.
func on(parent, miner string, bits uint32, names ...string) []labBlock {
	var out []labBlock
	for _, n := range names {
		out = append(out, labBlock{name: n, parent: parent, bits: bits, miner: miner})
		parent = n
	}
	return out
}

// cat joins lists of blocks.
func cat(lists ...[]labBlock) []labBlock {
	var out []labBlock
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// ext is a block that extends the tip: one connected.
func ext(block string, bal ...map[string]uint64) labStep {
	s := labStep{block: block, want: labWant{added: []string{block}, connected: 1, tip: block}}
	if len(bal) > 0 {
		s.want.balances = bal[0]
	}
	return s
}

// side is a block that joins the tree and leaves the tip at tip.
func side(block, tip string) labStep {
	return labStep{block: block, want: labWant{added: []string{block}, tip: tip}}
}

// labScenarios are the lab's stories.
func labScenarios() []labScenario {
	return []labScenario{
		{
			name:   "extend the tip",
			blocks: cat(on("g", "A", labEasy, "a1"), on("a1", "A", labHardest, "a2"), on("a2", "B", labEasy, "a3")),
			steps: []labStep{
				ext("a1", map[string]uint64{"A": labSubsidy}),
				ext("a2"),
				ext("a3", map[string]uint64{"A": 2 * labSubsidy, "B": labSubsidy}),
			},
		},
		{
			name: "a one-block fork and its end",
			blocks: cat(on("g", "A", labEasy, "a1", "a2"), on("a1", "B", labEasy, "b2", "b3"),
				on("a2", "A", labEasy, "a3")),
			steps: []labStep{
				ext("a1"), ext("a2"),
				side("b2", "a2"), // the same work: the first seen stays
				{block: "b3", want: labWant{added: []string{"b3"}, disconnected: 1, connected: 2, tip: "b3",
					balances: map[string]uint64{"A": labSubsidy, "B": 2 * labSubsidy}}},
				side("a3", "b3"), // the same work again: b3 was first
			},
		},
		{
			name: "ties keep the first seen, whatever their length",
			blocks: cat(on("g", "A", labEasy, "a1", "a2"), on("g", "B", labHard, "b1"),
				on("g", "C", labEasy, "c1", "c2"), on("a1", "C", labEasy, "d2")),
			steps: []labStep{
				ext("a1"), ext("a2"),
				side("b1", "a2"),                   // shorter, the same work
				side("c1", "a2"), side("c2", "a2"), // as long, the same work
				side("d2", "a2"), // a sibling of the tip
			},
		},
		{
			name: "more work beats more blocks",
			blocks: cat(on("g", "A", labEasy, "a1", "a2", "a3", "a4", "a5"),
				on("g", "B", labHard, "b1", "b2")),
			steps: []labStep{
				ext("a1"), ext("a2"), ext("a3"),
				side("b1", "a3"), // 4 against 6
				{block: "b2", want: labWant{added: []string{"b2"}, disconnected: 3, connected: 2, tip: "b2",
					balances: map[string]uint64{"A": 0, "B": 2 * labSubsidy}}},
				side("a4", "b2"), // 8 against 8, four blocks against two: b2 stays
				{block: "a5", want: labWant{added: []string{"a5"}, disconnected: 2, connected: 5, tip: "a5",
					balances: map[string]uint64{"A": 5 * labSubsidy, "B": 0}}},
			},
		},
		{
			name: "a reorganisation of five blocks rolls the state back",
			blocks: cat(on("g", "A", labEasy, "a1"),
				[]labBlock{{name: "a2", parent: "a1", bits: labEasy, miner: "A",
					txs: []*transactions.Tx{labPay(0, 10*labCoin, 1)}}},
				on("a2", "A", labEasy, "a3", "a4", "a5"),
				on("g", "B", labHarder, "b1", "b2"),
				[]labBlock{{name: "b3", parent: "b2", bits: labEasy, miner: "B",
					txs: []*transactions.Tx{labPay(0, 10*labCoin, 1)}}}),
			steps: []labStep{
				ext("a1"), ext("a2"), ext("a3"), ext("a4"),
				ext("a5", map[string]uint64{"A": 5*labSubsidy + 1, "B": 0,
					"alice": labAliceFunds - 10*labCoin - 1, "bob": 10 * labCoin}),
				side("b1", "a5"), // 8 against 10
				{block: "b2", want: labWant{added: []string{"b2"}, disconnected: 5, connected: 2, tip: "b2",
					balances: map[string]uint64{"A": 0, "B": 2 * labSubsidy,
						"alice": labAliceFunds, "bob": 0}}},
				ext("b3", map[string]uint64{"A": 0, "B": 3*labSubsidy + 1,
					"alice": labAliceFunds - 10*labCoin - 1, "bob": 10 * labCoin}),
			},
		},
		{
			name:   "blocks out of order wait as orphans",
			blocks: cat(on("g", "A", labEasy, "a1", "a2", "a3"), on("g", "B", labEasy, "b1", "b2", "b3", "b4")),
			steps: []labStep{
				{block: "a3", want: labWant{orphaned: true, tip: "g"}},
				{block: "a2", want: labWant{orphaned: true, tip: "g"}},
				{block: "a1", want: labWant{added: []string{"a1", "a2", "a3"}, connected: 3, tip: "a3"}},
				{block: "b4", want: labWant{orphaned: true, tip: "a3"}},
				{block: "b2", want: labWant{orphaned: true, tip: "a3"}},
				{block: "b3", want: labWant{orphaned: true, tip: "a3"}},
				{block: "b1", want: labWant{added: []string{"b1", "b2", "b3", "b4"}, disconnected: 3, connected: 4,
					tip: "b4", balances: map[string]uint64{"A": 0, "B": 4 * labSubsidy}}},
			},
		},
		{
			name: "a branch with a coinbase that pays too much is cut",
			blocks: cat(on("g", "A", labEasy, "a1", "a2"), on("g", "B", labEasy, "b1"),
				[]labBlock{{name: "b2", parent: "b1", bits: labEasy, miner: "B", overpay: true}},
				on("b2", "B", labEasy, "b3", "b4"), on("b1", "C", labEasy, "c2", "c3"),
				[]labBlock{{name: "x3", parent: "a2", bits: labEasy, miner: "A", overpay: true}}),
			steps: []labStep{
				ext("a1"), ext("a2"),
				{block: "x3", want: labWant{err: blocks.ErrCoinbaseAmount, added: []string{"x3"},
					invalid: []string{"x3"}, tip: "a2"}}, // on the tip: Add says why
				side("b1", "a2"),
				side("b2", "a2"), // a tie: not connected, so not checked yet
				{block: "b3", want: labWant{added: []string{"b3"}, invalid: []string{"b2"}, tip: "a2",
					balances: map[string]uint64{"A": 2 * labSubsidy, "B": 0}}},
				{block: "b4", want: labWant{err: chapter.ErrKnownInvalid, tip: "a2"}},
				side("c2", "a2"),
				{block: "c3", want: labWant{added: []string{"c3"}, disconnected: 2, connected: 3, tip: "c3",
					balances: map[string]uint64{"A": 0, "B": labSubsidy, "C": 2 * labSubsidy}}},
			},
		},
		{
			name:     "a fork deeper than MaxReorgDepth is refused",
			maxReorg: 3,
			blocks: cat(on("g", "A", labEasy, "a1", "a2", "a3", "a4"), on("g", "B", labHardest, "b1"),
				on("a1", "C", labHardest, "c2")),
			steps: []labStep{
				ext("a1"), ext("a2"), ext("a3"), ext("a4"),
				{block: "b1", want: labWant{err: chapter.ErrForkTooOld, tip: "a4"}}, // 4 off
				{block: "c2", want: labWant{added: []string{"c2"}, disconnected: 3, connected: 1, tip: "c2",
					balances: map[string]uint64{"A": labSubsidy, "B": 0, "C": labSubsidy}}}, // 3 off
			},
		},
	}
}

// run plays the scenario with choice and says what went wrong: the
// first step the tree got wrong, and what it believed.
func (s labScenario) run(choice chapter.Choice) []string {
	w, err := newLabWorld(s.blocks)
	if err != nil {
		return []string{err.Error()}
	}
	tree, err := labTree(choice, s.maxReorg)
	if err != nil {
		return []string{err.Error()}
	}
	for i, step := range s.steps {
		if problems := w.give(tree, step); len(problems) > 0 {
			out := []string{fmt.Sprintf("step %d, block %s:", i+1, step.block)}
			for _, p := range problems {
				out = append(out, "  "+p)
			}
			return out
		}
	}
	return nil
}

// TestLabChoice_Scenario plays each story with LabChoice in a real
// chapter.Tree.
func TestLabChoice_Scenario(t *testing.T) {
	otWorks(t)
	for _, s := range labScenarios() {
		t.Run(s.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			if problems := s.run(LabChoice{}); len(problems) > 0 {
				assert.Fail(t, strings.Join(problems, "\n"))
			}
		})
	}
}
