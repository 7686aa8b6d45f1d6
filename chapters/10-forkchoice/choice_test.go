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

// skipsOne is a Choice whose Path forgets the fork's child: the tree
// must refuse it before touching the chain.
type skipsOne struct{ MostWork }

func (s skipsOne) Path(from, to *Node) ([]*Node, []*Node) {
	off, on := s.MostWork.Path(from, to)
	return off, on[1:]
}

func TestBadPathRefused(t *testing.T) {
	tree := newTestTree(t, Config{Choice: skipsOne{}})
	genesis := tree.Tip()
	b1 := on(genesis, minerA, easyBits)
	b2 := on(&Node{Hash: b1.Hash(), Height: 1}, minerA, easyBits)
	_, err := tree.Add(b2, testNow) // an orphan: no path needed yet
	require.NoError(t, err)
	_, err = tree.Add(b1, testNow)
	assert.ErrorIs(t, err, ErrBadPath)
	assert.ErrorContains(t, err, "connect[0]")
	assert.Equal(t, genesis, tree.Tip())
	assert.Zero(t, tree.Chain().Height())
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
