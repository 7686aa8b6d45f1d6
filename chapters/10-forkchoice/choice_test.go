package forkchoice

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// chainOf is n nodes on parent, each of work w, named by height and a
// letter so that two branches' hashes differ.
func chainOf(parent *Node, letter byte, w int64, n int) []*Node {
	var out []*Node
	for range n {
		h := parent.Height + 1
		node := &Node{Hash: blocks.Hash{letter, byte(h)}, Height: h, Parent: parent,
			Work: new(big.Int).Add(parent.Work, big.NewInt(w))}
		out = append(out, node)
		parent = node
	}
	return out
}

func TestFindForkAndPath(t *testing.T) {
	root := &Node{Work: big.NewInt(1)}
	main := chainOf(root, 'a', 1, 6)    // heights 1..6
	side := chainOf(main[2], 'b', 1, 2) // forks at 3: 4, 5
	other := chainOf(root, 'c', 1, 1)   // forks at genesis
	tests := []struct {
		name       string
		from, to   *Node
		fork       *Node
		disconnect []*Node
		connect    []*Node
	}{
		{"same tip", main[5], main[5], main[5], nil, []*Node{}},
		{"extend by one", main[4], main[5], main[4], nil, main[5:6]},
		{"back down", main[5], main[3], main[3], []*Node{main[5], main[4]}, []*Node{}},
		{"to a side branch", main[5], side[1], main[2],
			[]*Node{main[5], main[4], main[3]}, side},
		{"from the side branch", side[1], main[4], main[2],
			[]*Node{side[1], side[0]}, main[3:5]},
		{"fork at genesis", other[0], main[1], root, other, main[0:2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Same(t, tt.fork, FindFork(tt.from, tt.to))
			assert.Same(t, tt.fork, FindFork(tt.to, tt.from), "either way round")
			off, on := MostWork{}.Path(tt.from, tt.to)
			assert.Equal(t, tt.disconnect, off)
			assert.Equal(t, tt.connect, on)
		})
	}
	assert.Nil(t, main[1].Ancestor(3), "above itself")
	assert.Same(t, main[0], main[4].Ancestor(1))
}

func TestMostWorkBetter(t *testing.T) {
	n := func(w int64) *Node { return &Node{Work: big.NewInt(w)} }
	assert.True(t, MostWork{}.Better(n(5), n(4)))
	assert.False(t, MostWork{}.Better(n(4), n(4)), "a tie keeps the tip")
	assert.False(t, MostWork{}.Better(n(3), n(4)))
}

// badPath is a Choice whose Path is MostWork's, broken by bend when it
// reorganises: the tree must refuse it before touching the chain.
type badPath struct {
	MostWork
	bend func(off, on []*Node) ([]*Node, []*Node)
}

func (b badPath) Path(from, to *Node) ([]*Node, []*Node) {
	off, on := b.MostWork.Path(from, to)
	if len(off) == 0 {
		return off, on
	}
	return b.bend(off, on)
}

func TestBadPathRefused(t *testing.T) {
	tests := []struct {
		name string
		bend func(off, on []*Node) ([]*Node, []*Node)
		want string
	}{
		{"skips the fork's child", func(off, on []*Node) ([]*Node, []*Node) { return off, on[1:] },
			"connect[0]"},
		{"stops short of the tip", func(off, on []*Node) ([]*Node, []*Node) { return off, on[:len(on)-1] },
			"it ends at"},
		{"connects top down", func(off, on []*Node) ([]*Node, []*Node) {
			return off, []*Node{on[1], on[0]}
		}, "connect[0]"},
		{"disconnects too little", func(off, on []*Node) ([]*Node, []*Node) { return off[:1], on },
			"disconnect stops at"},
		{"disconnects the fork too", func(off, on []*Node) ([]*Node, []*Node) {
			return append(off, off[len(off)-1].Parent), on
		}, "below the fork"},
		{"disconnects from below", func(off, on []*Node) ([]*Node, []*Node) {
			return []*Node{off[1], off[0]}, on
		}, "disconnect[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := newTestTree(t, Config{Choice: badPath{bend: tt.bend}})
			genesis := tree.Tip()
			a := branchOf(t, tree, genesis, minerA, easyBits, 2)
			b1 := on(genesis, minerB, easyBits)
			b2 := on(&Node{Hash: b1.Hash(), Height: 1}, minerB, easyBits)
			b3 := on(&Node{Hash: b2.Hash(), Height: 2}, minerB, easyBits)
			for _, b := range []*blocks.Block{b3, b2} { // orphans: no path yet
				_, err := tree.Add(b, testNow)
				require.NoError(t, err)
			}
			_, err := tree.Add(b1, testNow)
			assert.ErrorIs(t, err, ErrBadPath)
			assert.ErrorContains(t, err, tt.want)
			assert.Equal(t, a[1].Hash(), tree.Tip().Hash, "the chain is not touched")
			assert.Equal(t, uint64(2), tree.Chain().Height())
		})
	}
}

func TestOrphanBound(t *testing.T) {
	tree := newTestTree(t, Config{MaxOrphans: 3})
	genesis := tree.Tip()
	var first *blocks.Block
	for i := range 5 {
		unknown := &Node{Hash: blocks.Hash{byte(i + 1)}, Height: 1, Parent: genesis}
		b := on(unknown, minerA, easyBits)
		if i == 0 {
			first = b
		}
		add(t, tree, b)
		assert.LessOrEqual(t, tree.Orphans(), 3)
	}
	assert.Equal(t, 3, tree.Orphans())
	_, err := tree.Add(first, testNow)
	assert.NoError(t, err, "the oldest went: it is new again")
}
