package sync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

var later = testClock(blockTime(0)) // a clock well after every test block

// addAll adds headers to ht, failing the test on an error.
func addAll(t *testing.T, ht *HeaderTree, hs []blocks.Header) *forkchoice.Node {
	t.Helper()
	var n *forkchoice.Node
	for _, h := range hs {
		var err error
		n, _, err = ht.Add(h, later, 0)
		require.NoError(t, err)
	}
	return n
}

func TestHeaderTreeFollowsMostWork(t *testing.T) {
	ht, err := NewHeaderTree(testNet, testRules())
	require.NoError(t, err)
	g := testNet.Genesis.Hash()
	a := addAll(t, ht, headersOn(g, 0, 5, 1))
	require.Equal(t, a, ht.Best())

	b := addAll(t, ht, headersOn(g, 0, 5, 2)) // as much work: seen later
	assert.Equal(t, a, ht.Best(), "a tie keeps the first")
	b = addAll(t, ht, headersOn(b.Hash, 5, 1, 2))
	assert.Equal(t, b, ht.Best(), "more work wins")
	assert.True(t, ht.OnBest(b.Ancestor(1)))
	assert.False(t, ht.OnBest(a))
	assert.Equal(t, 12, ht.Len())
	// A side branch's view reads its own headers, not the best chain's.
	h, ok := ht.BranchOf(a).HeaderAt(3)
	require.True(t, ok)
	assert.Equal(t, a.Ancestor(3).Hash, h.BlockHash())

	ht.Invalidate(b.Ancestor(2).Hash)
	assert.Equal(t, a, ht.Best(), "b's branch gone: back to a")
	assert.Equal(t, 7, ht.Len())
	assert.True(t, ht.IsInvalid(b.Ancestor(2).Hash))
	_, _, err = ht.Add(headersOn(b.Hash, 6, 1, 2)[0], later, 0)
	assert.ErrorIs(t, err, ErrKnownInvalid)
}

func TestHeaderTreeRefuses(t *testing.T) {
	ht, err := NewHeaderTree(testNet, testRules())
	require.NoError(t, err)
	main := addAll(t, ht, headersOn(testNet.Genesis.Hash(), 0, 30, 1))
	tests := []struct {
		name    string
		header  blocks.Header
		floor   uint64
		wantErr error
	}{
		{"no parent", headersOn(blocks.Hash{9}, 0, 1, 1)[0], 0, ErrUnconnected},
		{"a fork below the floor", headersOn(main.Ancestor(5).Hash, 5, 1, 3)[0],
			10, ErrForkTooDeep},
		{"bits not the rule's", func() blocks.Header {
			h := headersOn(main.Hash, 30, 1, 4)[0]
			h.Bits = 0x1f7fffff
			solve(&h)
			return h
		}(), 0, pow.ErrBadBits},
		{"time too new", func() blocks.Header {
			h := headersOn(main.Hash, 30, 1, 5)[0]
			h.Time = uint32(later.Add(blocks.MaxFutureBlockTime + time.Second).Unix())
			solve(&h)
			return h
		}(), 0, blocks.ErrTimeTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ht.Len()
			_, _, err := ht.Add(tt.header, later, tt.floor)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, before, ht.Len())
		})
	}
	// The same fork above the floor is kept.
	_, isNew, err := ht.Add(headersOn(main.Ancestor(5).Hash, 5, 1, 3)[0], later, 5)
	assert.NoError(t, err)
	assert.True(t, isNew)
}

// TestHeaderTreeRetarget checks the bits rule against each branch's
// own retarget: the devnet's params at the easiest target, retargeting
// every 12 blocks. Two branches from genesis, one a block every 5 s,
// one every second, need different bits at height 12, and each header
// is held to its own branch's.
func TestHeaderTreeRetarget(t *testing.T) {
	params := testParams
	params.NoRetargeting = false
	interval := params.RetargetInterval()
	require.Equal(t, uint64(12), interval)
	ht, err := NewHeaderTree(testNet, []blocks.HeaderRule{pow.HeaderRule(params)})
	require.NoError(t, err)
	branch := func(gap uint32, tag byte) *forkchoice.Node {
		prev := testNet.Genesis.Header
		var hs []blocks.Header
		for i := range interval - 1 {
			h := blocks.Header{Version: 1, PrevBlock: prev.BlockHash(),
				Time: prev.Time + gap, Bits: easyBits}
			h.MerkleRoot[0], h.MerkleRoot[1] = tag, byte(i)
			solve(&h)
			hs = append(hs, h)
			prev = h
		}
		return addAll(t, ht, hs)
	}
	slow, fast := branch(5, 1), branch(1, 2)
	wantSlow := pow.NextWorkRequired(params, ht.BranchOf(slow))
	wantFast := pow.NextWorkRequired(params, ht.BranchOf(fast))
	require.NotEqual(t, wantSlow, wantFast)
	on := func(parent *forkchoice.Node, bits uint32) blocks.Header {
		h := blocks.Header{Version: 1, PrevBlock: parent.Hash,
			Time: parent.Header.Time + 1, Bits: bits}
		solve(&h)
		return h
	}

	_, _, err = ht.Add(on(fast, wantSlow), later, 0)
	assert.ErrorIs(t, err, pow.ErrBadBits, "the other branch's bits")
	_, _, err = ht.Add(on(fast, wantFast), later, 0)
	assert.NoError(t, err, "its own branch's retarget")
	_, _, err = ht.Add(on(slow, wantSlow), later, 0)
	assert.NoError(t, err)
}

func TestHeaderTreePrune(t *testing.T) {
	ht, err := NewHeaderTree(testNet, testRules())
	require.NoError(t, err)
	g := testNet.Genesis.Hash()
	main := addAll(t, ht, headersOn(g, 0, 30, 1))
	addAll(t, ht, headersOn(main.Ancestor(5).Hash, 5, 3, 2))   // deep
	addAll(t, ht, headersOn(main.Ancestor(25).Hash, 25, 2, 3)) // near
	require.Equal(t, 31+3+2, ht.Len())

	ht.Prune(20, 1)

	assert.Equal(t, 31+2, ht.Len(), "the fork below 20 is gone, the one above stays")
	assert.Equal(t, main, ht.Best())
}
