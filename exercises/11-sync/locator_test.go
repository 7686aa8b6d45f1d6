package sync

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
)

// locLimit is how long a Locator may take on one chain: a walk that
// never doubles would take forever on the highest one.
const locLimit = 5 * time.Second

// locEveryUpTo is the longest of the chains a Locator is compared on
// with the chapter's, every length from genesis alone up.
const locEveryUpTo = 300

// fakeChain is a chain of any height whose headers are made on demand:
// the header at a height holds the height in its merkle root, so each
// is its own. It remembers the height of every hash it gave out.
type fakeChain struct {
	height uint64
	seen   map[blocks.Hash]uint64
}

func newFakeChain(height uint64) *fakeChain {
	return &fakeChain{height: height, seen: map[blocks.Hash]uint64{}}
}

func (c *fakeChain) Height() uint64 { return c.height }

func (c *fakeChain) HeaderAt(height uint64) (blocks.Header, bool) {
	if height > c.height {
		return blocks.Header{}, false
	}
	var h blocks.Header
	binary.BigEndian.PutUint64(h.MerkleRoot[:], height)
	c.seen[h.BlockHash()] = height
	return h, true
}

// heights names each hash by its height, or "?" for one the chain never
// gave out.
func (c *fakeChain) heights(hs []blocks.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = "?"
		if height, ok := c.seen[h]; ok {
			out[i] = fmt.Sprint(height)
		}
	}
	return out
}

func strs(hs ...uint64) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = fmt.Sprint(h)
	}
	return out
}

func down(from, to uint64) []uint64 { // from down to to
	var out []uint64
	for h := from; h >= to && h <= from; h-- {
		out = append(out, h)
	}
	return out
}

// locFunc is a Locator, the learner's or a wrong one.
type locFunc func(c blocks.ChainView) []blocks.Hash

// locRow is a chain's height and the heights of its locator; nil want
// is the chapter's Locator's.
type locRow struct {
	name   string
	height uint64
	want   []uint64
}

var locRows = []locRow{
	{name: "genesis only", height: 0, want: []uint64{0}},
	{name: "a short chain", height: 5, want: down(5, 0)},
	{name: "ten blocks: one by one", height: 10, want: down(10, 0)},
	{name: "eleven blocks: one by one", height: 11, want: down(11, 0)},
	{name: "twelve blocks: one by one", height: 12, want: down(12, 0)},
	{name: "thirteen blocks: the first step of two", height: 13,
		want: append(down(13, 2), 0)},
	{name: "a long chain", height: 1000, want: append(down(1000, 989),
		987, 983, 975, 959, 927, 863, 735, 479, 0)},
	{name: "a step that lands on genesis", height: 1013,
		want: append(down(1013, 1002), 1000, 996, 988, 972, 940, 876, 748, 492, 0)},
	{name: "the highest chain a uint64 holds", height: math.MaxUint64},
	{name: "half that high", height: 1 << 63},
}

// check is what locate does wrong on the row, if anything.
func (row locRow) check(t testing.TB, locate locFunc) []string {
	c := newFakeChain(row.height)
	var got []blocks.Hash
	exercise.Within(t, locLimit, func() { got = locate(c) })
	want := strs(row.want...)
	if row.want == nil {
		ref := newFakeChain(row.height)
		want = ref.heights(chapter.Locator(ref))
	}
	var problems []string
	if heights := c.heights(got); !slices.Equal(heights, want) {
		problems = append(problems, fmt.Sprintf("on a chain of height %d the locator is at heights\n%v,\nwant\n%v",
			row.height, heights, want))
	}
	if len(got) > blocks.MaxLocator {
		problems = append(problems, fmt.Sprintf("%d hashes, more than MaxLocator's %d", len(got), blocks.MaxLocator))
	}
	return problems
}

// locEvery checks every chain from genesis alone to locEveryUpTo
// blocks against the chapter's Locator, and says the first it gets
// wrong.
func locEvery(t testing.TB, locate locFunc) []string {
	for h := uint64(0); h <= locEveryUpTo; h++ {
		if p := (locRow{height: h}).check(t, locate); len(p) > 0 {
			return p
		}
	}
	return nil
}

// locEveryRow names locEvery among the rows.
const locEveryRow = "every chain up to 300 blocks, as the chapter's"

func TestLocator(t *testing.T) {
	for _, tt := range locRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(t, Locator))
		})
	}
	t.Run(locEveryRow, func(t *testing.T) {
		defer exercise.SkipIfNotAttempted(t)
		assert.Empty(t, locEvery(t, Locator))
	})
}

// TestLocator_Judge checks the rows themselves: each of these wrong
// locators must fail the rows named. It runs once you have started
// the exercise.
func TestLocator_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	Locator(newFakeChain(0)) // skips the test until you start
	var rows []exercise.Row[locFunc]
	for _, row := range locRows {
		rows = append(rows, exercise.Row[locFunc]{Name: row.name, Check: row.check})
	}
	rows = append(rows, exercise.Row[locFunc]{Name: locEveryRow, Check: locEvery})
	exercise.Judge(t, rows, locWrong(0), []exercise.Wrong[locFunc]{
		{Name: "no doubling: one by one to the cap", Impl: locWrong(locNoDoubling), MustFail: []string{
			"thirteen blocks: the first step of two", "a long chain", "the highest chain a uint64 holds"}},
		{Name: "doubling from the start", Impl: locWrong(locDoubleAtOnce), MustFail: []string{
			"a short chain", "a long chain"}},
		{Name: "genesis missing: a step past it ends the walk", Impl: locWrong(locNoGenesis), MustFail: []string{
			"a long chain", "a step that lands on genesis", "half that high"}},
		{Name: "genesis twice: added even when the walk ends on it", Impl: locWrong(locGenesisTwice), MustFail: []string{
			"genesis only", "a short chain", "a long chain"}},
		{Name: "off by one at the tenth: doubling once it holds ten", Impl: locWrong(locEarly), MustFail: []string{
			"twelve blocks: one by one", "thirteen blocks: the first step of two", "a long chain"}},
		{Name: "no clamp: a step past genesis wraps around", Impl: locWrong(locWrap), MustFail: []string{
			"a long chain", "a step that lands on genesis", "the highest chain a uint64 holds"}},
		{Name: "off by one the other way: doubling past eleven", Impl: locWrong(locLate), MustFail: []string{
			"thirteen blocks: the first step of two", "a long chain"}},
	})
}

// The ways locWrong walks wrong.
const (
	locNoDoubling = 1 << iota
	locDoubleAtOnce
	locNoGenesis
	locGenesisTwice
	locEarly
	locLate
	locWrap
)

// locWrong is a Locator with the mistakes in flags; with none it is
// right. It stops at MaxLocator hashes whatever the mistake, so that
// a wrong one fails rather than runs forever.
func locWrong(flags int) locFunc {
	return func(c blocks.ChainView) []blocks.Hash {
		hashAt := func(height uint64) blocks.Hash {
			h, _ := c.HeaderAt(height)
			return h.BlockHash()
		}
		dense := chapter.LocatorDense
		switch {
		case flags&locDoubleAtOnce != 0:
			dense = 0
		case flags&locEarly != 0:
			dense--
		case flags&locLate != 0:
			dense++
		}
		var out []blocks.Hash
		step, height := uint64(1), c.Height()
		for {
			out = append(out, hashAt(height))
			if height == 0 || len(out) == blocks.MaxLocator-1 {
				break
			}
			if flags&locNoGenesis != 0 && step > height {
				return out
			}
			if flags&locWrap != 0 {
				height -= step
			} else {
				height -= min(step, height)
			}
			if len(out) > dense && flags&locNoDoubling == 0 {
				step *= 2
			}
		}
		if height != 0 || flags&locGenesisTwice != 0 {
			out = append(out, hashAt(0))
		}
		return out
	}
}
