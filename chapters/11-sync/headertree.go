package sync

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"time"

	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// docs:begin header-tree

// HeaderTree is every valid header a node knows, blocks or not, as a
// tree rooted at genesis, each node with its branch's work: Bitcoin
// Core's block index before the bodies come. Its best chain, the most
// work, is what the node downloads. It is not safe for concurrent use.
type HeaderTree struct {
	rules   []blocks.HeaderRule
	nodes   map[blocks.Hash]*forkchoice.Node
	leaves  map[*forkchoice.Node]bool
	kids    map[*forkchoice.Node]int
	main    []*forkchoice.Node  // the best chain, by height
	invalid *forkchoice.HashSet // at most MaxInvalidHeaders
	seq     uint64
	pruneAt uint64
}

// docs:end header-tree

// NewHeaderTree is a tree of net's genesis header, whose headers must
// keep rules (chapter 09's proof of work, usually).
func NewHeaderTree(net *blocks.Network, rules []blocks.HeaderRule) (*HeaderTree, error) {
	if net == nil {
		return nil, fmt.Errorf("%w: no network for the header tree", ErrConfig)
	}
	g := net.Genesis.Header
	root := &forkchoice.Node{Hash: g.BlockHash(), Header: g, Work: pow.Work(g.Bits)}
	return &HeaderTree{
		rules:   rules,
		nodes:   map[blocks.Hash]*forkchoice.Node{root.Hash: root},
		leaves:  map[*forkchoice.Node]bool{root: true},
		kids:    map[*forkchoice.Node]int{},
		main:    []*forkchoice.Node{root},
		invalid: forkchoice.NewHashSet(MaxInvalidHeaders),
	}, nil
}

// Best is the best chain's last header: the most work, of equal work
// the first seen.
func (t *HeaderTree) Best() *forkchoice.Node { return t.main[len(t.main)-1] }

// Node is the tree's node of a header, if it has one.
func (t *HeaderTree) Node(h blocks.Hash) (*forkchoice.Node, bool) {
	n, ok := t.nodes[h]
	return n, ok
}

// Len is how many headers the tree holds, genesis included.
func (t *HeaderTree) Len() int { return len(t.nodes) }

// OnBest says whether n is on the best chain.
func (t *HeaderTree) OnBest(n *forkchoice.Node) bool {
	return n.Height < uint64(len(t.main)) && t.main[n.Height] == n
}

// At is the best chain's header node at height, or nil.
func (t *HeaderTree) At(height uint64) *forkchoice.Node {
	if height >= uint64(len(t.main)) {
		return nil
	}
	return t.main[height]
}

// BestChain is the best chain as chapter 08's rules and Locator see
// it.
func (t *HeaderTree) BestChain() View { return View{t: t, tip: t.Best()} }

// BranchOf is the chain that ends at n, for a locator from a peer's
// best header or for a header's rules.
func (t *HeaderTree) BranchOf(n *forkchoice.Node) View { return View{t: t, tip: n} }

// IsInvalid says whether h, or an ancestor, was found invalid.
func (t *HeaderTree) IsInvalid(h blocks.Hash) bool { return t.invalid.Has(h) }

// docs:begin header-add

// Add checks a header against the branch it extends, and keeps it:
// its parent must be known and no deeper off the best chain than
// floor (the lowest height the block tree could still reorganise
// to), chapter 08's context must hold (the previous block, the median
// time past, at most two hours ahead of now), and every rule of the
// tree (chapter 09's bits and proof of work, against the branch's
// own retarget). A header the tree has is returned as it is, not new.
func (t *HeaderTree) Add(h blocks.Header, now time.Time,
	floor uint64) (n *forkchoice.Node, isNew bool, err error) {
	hash := h.BlockHash()
	if n, ok := t.nodes[hash]; ok {
		return n, false, nil
	}
	if t.invalid.Has(hash) || t.invalid.Has(h.PrevBlock) {
		t.markInvalid(hash)
		return nil, false, fmt.Errorf("%w: %s", ErrKnownInvalid, hash)
	}
	parent, ok := t.nodes[h.PrevBlock]
	if !ok {
		return nil, false, fmt.Errorf("%w: %s extends %s",
			ErrUnconnected, hash.Short(), h.PrevBlock.Short())
	}
	if fork := forkchoice.FindFork(parent, t.Best()); fork.Height < floor {
		return nil, false, fmt.Errorf("%w: %s leaves the chain at %d, "+
			"below %d", ErrForkTooDeep, hash.Short(), fork.Height, floor)
	}
	if len(t.nodes) >= MaxHeaders {
		return nil, false, fmt.Errorf("%w: %d headers",
			ErrHeadersFull, len(t.nodes))
	}
	view := t.BranchOf(parent)
	err = blocks.CheckHeaderContext(&h, view, now)
	for i := 0; err == nil && i < len(t.rules); i++ {
		err = t.rules[i](&h, view)
	}
	if err != nil {
		t.markInvalid(hash)
		return nil, false, fmt.Errorf("header %s at height %d: %w",
			hash.Short(), parent.Height+1, err)
	}
	return t.attach(h, hash, parent), true, nil
}

// docs:end header-add

// AddTrusted keeps a header the block tree has already checked, with
// its block: the node's own and those it connected.
func (t *HeaderTree) AddTrusted(h blocks.Header) (*forkchoice.Node, error) {
	hash := h.BlockHash()
	if n, ok := t.nodes[hash]; ok {
		return n, nil
	}
	parent, ok := t.nodes[h.PrevBlock]
	if !ok {
		return nil, fmt.Errorf("%w: %s extends %s",
			ErrUnconnected, hash.Short(), h.PrevBlock.Short())
	}
	return t.attach(h, hash, parent), nil
}

// WorkAfter is the work a header of these bits would have on parent:
// what decides, before it is stored, whether it would lead.
func WorkAfter(parent *forkchoice.Node, bits uint32) *big.Int {
	return new(big.Int).Add(parent.Work, pow.Work(bits))
}

func (t *HeaderTree) attach(h blocks.Header, hash blocks.Hash,
	parent *forkchoice.Node) *forkchoice.Node {
	t.seq++
	n := &forkchoice.Node{Hash: hash, Header: h, Height: parent.Height + 1,
		Parent: parent, Work: WorkAfter(parent, h.Bits), Seq: t.seq}
	t.nodes[hash] = n
	delete(t.leaves, parent)
	t.leaves[n] = true
	t.kids[parent]++
	if n.Work.Cmp(t.Best().Work) > 0 {
		t.follow(n)
	}
	return n
}

// follow makes n's branch the best chain.
func (t *HeaderTree) follow(n *forkchoice.Node) {
	fork := forkchoice.FindFork(n, t.Best())
	t.main = t.main[:fork.Height+1]
	up := make([]*forkchoice.Node, n.Height-fork.Height)
	for m := n; m != fork; m = m.Parent {
		up[m.Height-fork.Height-1] = m
	}
	t.main = append(t.main, up...)
}

// Invalidate drops a header found invalid once its block came, and
// every header above it, and follows the best branch left.
func (t *HeaderTree) Invalidate(h blocks.Hash) {
	n, ok := t.nodes[h]
	if !ok || n.Parent == nil {
		return
	}
	for leaf := range t.leaves {
		var above []*forkchoice.Node
		for m := leaf; m.Height > n.Height; m = m.Parent {
			above = append(above, m)
		}
		if len(above) == 0 || above[len(above)-1].Parent != n {
			continue
		}
		for _, m := range above {
			t.drop(m)
			t.markInvalid(m.Hash)
		}
	}
	t.drop(n)
	t.markInvalid(h)
	t.main = t.main[:1] // genesis
	t.follow(t.bestLeaf())
}

// bestLeaf is the leaf of most work, of equal work the first seen.
func (t *HeaderTree) bestLeaf() *forkchoice.Node {
	leaves := make([]*forkchoice.Node, 0, len(t.leaves))
	for n := range t.leaves {
		leaves = append(leaves, n)
	}
	return slices.MinFunc(leaves, func(a, b *forkchoice.Node) int {
		if c := b.Work.Cmp(a.Work); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
}

// drop takes one node out, its parent becoming a leaf if it was the
// last child.
func (t *HeaderTree) drop(n *forkchoice.Node) {
	if _, ok := t.nodes[n.Hash]; !ok {
		return
	}
	delete(t.nodes, n.Hash)
	delete(t.leaves, n)
	delete(t.kids, n)
	if p := n.Parent; p != nil {
		if t.kids[p]--; t.kids[p] <= 0 {
			delete(t.kids, p)
			t.leaves[p] = true
		}
	}
}

func (t *HeaderTree) markInvalid(h blocks.Hash) { t.invalid.Add(h) }

// Prune drops the side branches that leave the best chain below floor,
// the lowest height the block tree could reorganise to: they could
// never be followed. With the fork-depth rule of Add and each peer's
// budget of side headers, it is what bounds the headers kept off the
// best chain. It works only once the best chain has grown a little
// since the last time, as chapter 10's prune does.
func (t *HeaderTree) Prune(floor uint64, every uint64) {
	if t.Best().Height < t.pruneAt {
		return
	}
	t.pruneAt = t.Best().Height + max(1, every)
	for leaf := range t.leaves {
		if t.OnBest(leaf) {
			continue
		}
		fork := forkchoice.FindFork(leaf, t.Best())
		if fork.Height >= floor {
			continue
		}
		for n := leaf; n != fork && t.kids[n] == 0; n = n.Parent {
			t.drop(n)
		}
	}
}

// View is a chain of the header tree, genesis to one of its headers:
// a blocks.ChainView for chapter 08's and 09's rules and for Locator.
type View struct {
	t   *HeaderTree
	tip *forkchoice.Node
}

var _ blocks.ChainView = View{}

func (v View) Height() uint64 { return v.tip.Height }

// node is the view's node at height, walking down to the best chain
// and reading it there.
func (v View) node(height uint64) *forkchoice.Node {
	n := v.tip
	if height > n.Height {
		return nil
	}
	for n.Height > height && !v.t.OnBest(n) {
		n = n.Parent
	}
	if n.Height == height {
		return n
	}
	return v.t.main[height]
}

func (v View) HeaderAt(height uint64) (blocks.Header, bool) {
	if n := v.node(height); n != nil {
		return n.Header, true
	}
	return blocks.Header{}, false
}

// HashAt is the hash at a height, hashed once when it was stored.
func (v View) HashAt(height uint64) (blocks.Hash, bool) {
	if n := v.node(height); n != nil {
		return n.Hash, true
	}
	return blocks.Hash{}, false
}

// HeightOf is where a hash is on the view's chain, if it is.
func (v View) HeightOf(h blocks.Hash) (uint64, bool) {
	n, ok := v.t.nodes[h]
	if !ok || v.node(n.Height) != n {
		return 0, false
	}
	return n.Height, true
}
