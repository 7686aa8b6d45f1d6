package forkchoice

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

func TestNewConfig(t *testing.T) {
	state := transactions.NewState(blocks.DevNet.Magic, nil)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no network", Config{State: state}},
		{"no state", Config{Network: blocks.DevNet}},
		{"negative orphans", Config{Network: blocks.DevNet, State: state, MaxOrphans: -1}},
		{"state of another network", Config{Network: blocks.DevNet,
			State: transactions.NewState(blocks.MainNet.Magic, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			assert.ErrorIs(t, err, ErrConfig)
		})
	}
}

// TestTreeStories: each story adds blocks and checks what the tree
// then follows.
func TestTreeStories(t *testing.T) {
	t.Run("a block on the tip extends the chain", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		b := on(tree.Tip(), minerA, easyBits)
		c := add(t, tree, b)
		assert.Equal(t, []blocks.Hash{b.Hash()}, hashes(c.Connected))
		assert.Empty(t, c.Disconnected)
		assert.False(t, c.Reorg())
		assert.True(t, c.TipChanged())
		assert.Equal(t, b.Hash(), tree.Tip().Hash)
		assert.Equal(t, uint64(1), tree.Chain().Height())
	})

	t.Run("a tie keeps the block seen first", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		genesis := tree.Tip()
		a := on(genesis, minerA, easyBits)
		b := on(genesis, minerB, easyBits)
		add(t, tree, a)
		c := add(t, tree, b)
		assert.False(t, c.TipChanged())
		assert.Equal(t, a.Hash(), tree.Tip().Hash)
		assert.Len(t, tree.Tips(), 2)
	})

	t.Run("the next block on the other side reorganises", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		genesis := tree.Tip()
		a1 := on(genesis, minerA, easyBits)
		b1 := on(genesis, minerB, easyBits)
		add(t, tree, a1)
		add(t, tree, b1)
		b2 := on(node(t, tree, b1), minerB, easyBits)
		c := add(t, tree, b2)
		assert.True(t, c.Reorg())
		assert.Equal(t, []blocks.Hash{a1.Hash()}, hashes(c.Disconnected))
		assert.Equal(t, []blocks.Hash{b1.Hash(), b2.Hash()}, hashes(c.Connected))
		state := tree.Chain().State()
		assert.Zero(t, state.Account(minerA).Balance, "a1's coinbase rolled back")
		assert.Equal(t, 2*blocks.DevNet.SubsidyAt(1), state.Account(minerB).Balance)
	})

	// docs:begin more-work
	t.Run("more work wins over more blocks", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		genesis := tree.Tip()
		long := branchOf(t, tree, genesis, minerA, easyBits, 5)
		require.Equal(t, uint64(5), tree.Tip().Height)
		heavy := on(genesis, minerB, hardBits)
		c := add(t, tree, heavy)
		assert.Equal(t, heavy.Hash(), tree.Tip().Hash, "1 hard block outweighs 5 easy")
		assert.Equal(t, uint64(1), tree.Chain().Height())
		assert.Len(t, c.Disconnected, len(long))
		assert.Equal(t, long[4].Hash(), c.Disconnected[0].Hash(), "old tip first")
		want := new(big.Int).Add(pow.Work(genesis.Header.Bits), pow.Work(hardBits))
		assert.Zero(t, want.Cmp(tree.Tip().Work), "cumulative work")
	})
	// docs:end more-work

	t.Run("orphans wait for their parent", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		genesis := tree.Tip()
		b1 := on(genesis, minerA, easyBits)
		n1 := &Node{Hash: b1.Hash(), Height: 1, Parent: genesis}
		b2 := on(n1, minerA, easyBits)
		b3 := on(&Node{Hash: b2.Hash(), Height: 2, Parent: n1}, minerA, easyBits)
		for _, b := range []*blocks.Block{b3, b2} {
			c := add(t, tree, b)
			assert.True(t, c.Orphaned)
		}
		assert.Equal(t, 2, tree.Orphans())
		c := add(t, tree, b1)
		assert.Equal(t, 0, tree.Orphans())
		assert.Len(t, c.Added, 3)
		assert.Equal(t, hashes([]*blocks.Block{b1, b2, b3}), hashes(c.Connected))
		assert.Equal(t, uint64(3), tree.Tip().Height)
	})

	t.Run("a branch with a block that overpays its coinbase is cut", func(t *testing.T) {
		tree := newTestTree(t, Config{})
		genesis := tree.Tip()
		a1 := on(genesis, minerA, easyBits)
		add(t, tree, a1)
		b1 := on(genesis, minerB, easyBits)
		add(t, tree, b1)
		bad := on(node(t, tree, b1), minerB, easyBits)
		bad.Coinbase.Amount++
		bad.Header.MerkleRoot, _ = bad.ComputeMerkleRoot()
		c, err := tree.Add(bad, testNow) // its header is fine: the state finds it
		assert.ErrorIs(t, err, blocks.ErrCoinbaseAmount)
		require.Len(t, c.Invalid, 1)
		assert.Equal(t, bad.Hash(), c.Invalid[0].Hash)
		assert.ErrorIs(t, c.Invalid[0].Err, blocks.ErrCoinbaseAmount)
		assert.False(t, c.TipChanged(), "back on a1: b1 only ties")
		assert.Equal(t, a1.Hash(), tree.Tip().Hash)
		assert.Equal(t, blocks.DevNet.SubsidyAt(1), tree.Chain().State().Account(minerA).Balance)
		assert.True(t, tree.IsInvalid(bad.Hash()))

		child := on(&Node{Hash: bad.Hash(), Height: 2}, minerB, easyBits)
		_, err = tree.Add(child, testNow)
		assert.ErrorIs(t, err, ErrKnownInvalid, "a child of an invalid block")
	})

	t.Run("a fork deeper than MaxReorgDepth is refused", func(t *testing.T) {
		tree := newTestTree(t, Config{MaxReorgDepth: 2})
		genesis := tree.Tip()
		branchOf(t, tree, genesis, minerA, easyBits, 3)
		_, err := tree.Add(on(genesis, minerB, hardBits), testNow)
		assert.ErrorIs(t, err, ErrForkTooOld)
		assert.Equal(t, uint64(3), tree.Tip().Height)
	})

	t.Run("side branches past the reorg depth are pruned", func(t *testing.T) {
		tree := newTestTree(t, Config{MaxReorgDepth: 2})
		genesis := tree.Tip()
		side := on(genesis, minerB, easyBits)
		main := branchOf(t, tree, genesis, minerA, easyBits, 1)
		add(t, tree, side)
		require.Equal(t, 3, tree.Len())
		branchOf(t, tree, node(t, tree, main[0]), minerA, easyBits, 2)
		_, kept := tree.Node(side.Hash())
		assert.False(t, kept, "the side block forks at 0, the tip is at 3")
		assert.Equal(t, 4, tree.Len())
		assert.Len(t, tree.Tips(), 1)
	})
}

// TestAddRefuses: blocks the tree does not take, and the error.
func TestAddRefuses(t *testing.T) {
	tree := newTestTree(t, Config{})
	genesis := tree.Tip()
	b1 := on(genesis, minerA, easyBits)
	add(t, tree, b1)
	n1 := node(t, tree, b1)

	badRoot := on(n1, minerA, easyBits)
	badRoot.Header.MerkleRoot[0] ^= 1
	old := on(n1, minerA, easyBits)
	old.Header.Time = genesis.Header.Time // not after the median time past
	future := on(n1, minerA, easyBits)
	future.Header.Time = uint32(testNow.Unix()) + 3*3600
	wrongHeight := on(n1, minerA, easyBits)
	wrongHeight.Coinbase.Height = 7
	wrongHeight.Header.MerkleRoot, _ = wrongHeight.ComputeMerkleRoot()

	tests := []struct {
		name string
		b    *blocks.Block
		want error
	}{
		{"again", b1, ErrDuplicate},
		{"genesis", &blocks.DevNet.Genesis, ErrDuplicate},
		{"a wrong merkle root", badRoot, blocks.ErrBadMerkleRoot},
		{"time before the median", old, blocks.ErrTimeTooOld},
		{"time too far ahead", future, blocks.ErrTimeTooNew},
		{"coinbase of another height", wrongHeight, blocks.ErrCoinbaseHeight},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tree.Add(tt.b, testNow)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, b1.Hash(), tree.Tip().Hash)
			assert.Equal(t, uint64(1), tree.Chain().Height())
		})
	}
}

// TestHashSetBound: past its bound the set forgets its oldest hash.
func TestHashSetBound(t *testing.T) {
	s := NewHashSet(2)
	for _, h := range []blocks.Hash{{1}, {2}, {2}, {3}} {
		s.Add(h)
	}
	assert.Equal(t, 2, s.Len())
	assert.False(t, s.Has(blocks.Hash{1}), "the oldest went")
	assert.True(t, s.Has(blocks.Hash{2}))
	assert.True(t, s.Has(blocks.Hash{3}))
	assert.Equal(t, 1, NewHashSet(0).max, "at least one")
}
