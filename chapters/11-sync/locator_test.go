package sync

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// heightsOf names each hash of a locator by its height on tree's chain
// (or -1 for a hash not on it).
func heightsOf(tree *forkchoice.Tree, hs []blocks.Hash) []int {
	out := make([]int, len(hs))
	for i, h := range hs {
		out[i] = -1
		if height, ok := tree.Chain().HeightOf(h); ok {
			out[i] = int(height)
		}
	}
	return out
}

func span(from, to int) []int { // from down to to
	var out []int
	for h := from; h >= to; h-- {
		out = append(out, h)
	}
	return out
}

func TestLocator(t *testing.T) {
	tests := []struct {
		name   string
		length int
		want   []int
	}{
		// docs:begin locator-rows
		{"genesis only", 0, []int{0}},
		{"short chain", 5, []int{5, 4, 3, 2, 1, 0}},
		{"twelve one by one", 12, span(12, 0)},
		{"long chain", 1000, append(span(1000, 989),
			987, 983, 975, 959, 927, 863, 735, 479, 0)},
		// docs:end locator-rows
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := newTree(t)
			extend(t, tree, tt.length, 1)

			got := Locator(tree.Chain())

			assert.Equal(t, tt.want, heightsOf(tree, got))
			assert.LessOrEqual(t, len(got), blocks.MaxLocator)
		})
	}
}

// TestLocatorOfHeaderView: the header tree's view of a side branch
// gives the branch's own hashes, then the best chain's below the fork.
func TestLocatorOfHeaderView(t *testing.T) {
	tree := newTree(t)
	extend(t, tree, 20, 1)
	ht := newSync(t, tree).Headers()
	fork := ht.At(15)
	side := headersOn(fork.Hash, 15, 3, 5)
	var last *forkchoice.Node
	for _, h := range side {
		n, isNew, err := ht.Add(h, testClock(blockTime(0)), 0)
		require.NoError(t, err)
		require.True(t, isNew)
		last = n
	}

	got := Locator(ht.BranchOf(last))

	for i, h := range side { // heights 16 to 18, newest first
		assert.Equal(t, h.BlockHash(), got[2-i])
	}
	assert.Equal(t, append(span(15, 7), 5, 1, 0), heightsOf(tree, got[3:]))
}

func TestLocateFork(t *testing.T) {
	ours := newTree(t)
	main := extend(t, ours, 50, 1)
	// theirs shares 0..30 with ours, then goes its own way to 40.
	theirs := treeOf(t, main[:30])
	extend(t, theirs, 10, 2)
	long := newTree(t)
	extend(t, long, blocks.MaxHeadersPerMsg+100, 1)
	hashOf := func(height int) blocks.Hash { return main[height-1].Hash() }

	tests := []struct {
		name      string
		chain     *forkchoice.Tree
		locator   []blocks.Hash
		stop      blocks.Hash
		wantFirst uint64 // height of the first header; 0: none
		wantLen   int
	}{
		{"no locator: from genesis", ours, nil, blocks.Hash{}, 1, 50},
		{"only unknown hashes: from genesis", ours,
			[]blocks.Hash{{7}, {8}}, blocks.Hash{}, 1, 50},
		{"a short chain's tip", ours, Locator(treeOf(t, main[:10]).Chain()),
			blocks.Hash{}, 11, 40},
		{"a fork: from where it parts", ours, Locator(theirs.Chain()),
			blocks.Hash{}, 31, 20},
		{"up to stop", ours, []blocks.Hash{hashOf(10)}, hashOf(20), 11, 10},
		{"the asker has it all", ours, Locator(ours.Chain()), blocks.Hash{}, 0, 0},
		{"a long chain: one message's worth", long, nil, blocks.Hash{},
			1, blocks.MaxHeadersPerMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LocateFork(tt.chain.Chain(), tt.locator, tt.stop)

			require.Len(t, got, tt.wantLen)
			if tt.wantLen == 0 {
				return
			}
			first, ok := tt.chain.Chain().HeightOf(got[0].BlockHash())
			require.True(t, ok)
			assert.Equal(t, tt.wantFirst, first)
			for i := 1; i < len(got); i++ {
				assert.Equal(t, got[i-1].BlockHash(), got[i].PrevBlock, "header %d", i)
			}
		})
	}
}
