package forkchoice

import (
	"cmp"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"time"

	blocks "peerchain/chapters/08-blocks"
)

// docs:begin tree

// Tree is every valid block a node knows, as a tree rooted at genesis,
// and chapter 08's Chain along the branch it follows: the main chain,
// whose state is the node's. It is not safe for concurrent use.
type Tree struct {
	cfg     Config
	chain   *blocks.Chain
	nodes   map[blocks.Hash]*Node
	bodies  map[blocks.Hash]*blocks.Block
	leaves  map[*Node]bool // nodes with no child: the tips
	kids    map[*Node]int  // how many children each node has
	tip     *Node
	orphans *orphans
	invalid *HashSet // at most MaxInvalid
	seq     uint64
	pruneAt uint64 // the tip's height at which to prune next
}

// docs:end tree

// New is a tree of the genesis block of cfg's network.
func New(cfg Config) (*Tree, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	chain, err := blocks.NewChain(blocks.ChainConfig{
		Network: cfg.Network, State: cfg.State, Rules: cfg.Rules,
		TxCheck: cfg.TxCheck})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	g := &cfg.Network.Genesis
	root := &Node{Hash: g.Hash(), Header: g.Header, Work: cfg.Work(g.Header.Bits)}
	return &Tree{
		cfg:     cfg,
		chain:   chain,
		nodes:   map[blocks.Hash]*Node{root.Hash: root},
		bodies:  map[blocks.Hash]*blocks.Block{root.Hash: g},
		leaves:  map[*Node]bool{root: true},
		kids:    map[*Node]int{},
		tip:     root,
		orphans: newOrphans(cfg.MaxOrphans),
		invalid: NewHashSet(MaxInvalid),
	}, nil
}

// Tip is the main chain's last block.
func (t *Tree) Tip() *Node { return t.tip }

// Chain is the main chain, with the state at its tip. It is the
// tree's: read it, change it only through Add.
func (t *Tree) Chain() *blocks.Chain { return t.chain }

// Node is the tree's node of a block, if it has one.
func (t *Tree) Node(h blocks.Hash) (*Node, bool) { n, ok := t.nodes[h]; return n, ok }

// Block is a block in the tree.
func (t *Tree) Block(h blocks.Hash) (*blocks.Block, bool) { b, ok := t.bodies[h]; return b, ok }

// OnMain says whether n is a block of the main chain.
func (t *Tree) OnMain(n *Node) bool {
	h, ok := t.chain.HashAt(n.Height)
	return ok && h == n.Hash
}

// Len is how many blocks the tree holds, genesis included.
func (t *Tree) Len() int { return len(t.nodes) }

// Orphans is how many blocks wait for their parent.
func (t *Tree) Orphans() int { return t.orphans.len() }

// Tips are the branches' last blocks, the most work first, then the
// first seen.
func (t *Tree) Tips() []*Node {
	tips := t.leavesSeen()
	slices.SortStableFunc(tips, func(a, b *Node) int { return b.Work.Cmp(a.Work) })
	return tips
}

// leavesSeen are the tips in the order they were seen.
func (t *Tree) leavesSeen() []*Node {
	leaves := slices.Collect(maps.Keys(t.leaves))
	slices.SortFunc(leaves, func(a, b *Node) int {
		return cmp.Compare(a.Seq, b.Seq)
	})
	return leaves
}

// docs:begin add

// Add takes a block in: a block of unknown parent waits as an orphan;
// any other that keeps every rule its branch can check joins the tree,
// with the orphans it was waiting for, and then the tree follows the
// best tip its Choice picks. now is the clock's, for the rule against
// blocks from the future. A block that breaks a rule is an error and
// changes nothing; so is one that breaks a rule of the state when its
// branch is connected, and then the Change says what else happened.
func (t *Tree) Add(b *blocks.Block, now time.Time) (*Change, error) {
	hash := b.Hash()
	if _, ok := t.nodes[hash]; ok || t.orphans.has(hash) {
		return nil, fmt.Errorf("%w: %s", ErrDuplicate, hash)
	}
	if t.invalid.Has(hash) || t.invalid.Has(b.Header.PrevBlock) {
		t.markInvalid(hash)
		return nil, fmt.Errorf("%w: %s", ErrKnownInvalid, hash)
	}
	if err := blocks.CheckBlockSanityWith(b, t.cfg.Network,
		t.cfg.TxCheck); err != nil {
		return nil, err
	}
	c := &Change{}
	parent, ok := t.nodes[b.Header.PrevBlock]
	if !ok {
		if t.cfg.OrphanRule != nil {
			if err := t.cfg.OrphanRule(&b.Header); err != nil {
				return nil, err
			}
		}
		t.orphans.add(b)
		c.Orphaned = true
		return c, nil
	}
	n, err := t.attach(b, parent, now)
	if err != nil {
		return nil, err
	}
	c.Added = append(c.Added, n)
	t.adoptOrphans(c, now)
	if err := t.follow(c, now); err != nil {
		return c, err
	}
	for _, bad := range c.Invalid {
		if bad.Hash == hash {
			return c, bad.Err
		}
	}
	return c, nil
}

// docs:end add

// attach makes b, whose parent is in the tree, a node of it, once its
// header keeps the rules of its own branch.
func (t *Tree) attach(b *blocks.Block, parent *Node, now time.Time) (*Node, error) {
	fork := FindFork(parent, t.tip)
	if fork.Height+t.cfg.MaxReorgDepth < t.tip.Height {
		return nil, fmt.Errorf("%w: block %s leaves the chain at height %d, the tip is at %d",
			ErrForkTooOld, b.Hash().Short(), fork.Height, t.tip.Height)
	}
	view := branch{tree: t, tip: parent}
	if err := blocks.CheckHeaderContext(&b.Header, view, now); err != nil {
		return nil, err
	}
	for _, rule := range t.cfg.Rules {
		if err := rule(&b.Header, view); err != nil {
			return nil, err
		}
	}
	t.seq++
	n := &Node{Hash: b.Hash(), Header: b.Header, Height: parent.Height + 1, Parent: parent,
		Work: new(big.Int).Add(parent.Work, t.cfg.Work(b.Header.Bits)), Seq: t.seq}
	t.nodes[n.Hash] = n
	t.bodies[n.Hash] = b
	delete(t.leaves, parent)
	t.leaves[n] = true
	t.kids[parent]++
	return n, nil
}

// adoptOrphans attaches the orphans whose parents c added, and theirs
// in turn. One that breaks a rule is dropped, with every orphan that
// waits for it.
func (t *Tree) adoptOrphans(c *Change, now time.Time) {
	for i := 0; i < len(c.Added); i++ {
		parent := c.Added[i]
		for _, o := range t.orphans.takeChildren(parent.Hash) {
			n, err := t.attach(o, parent, now)
			if err != nil {
				c.Invalid = append(c.Invalid, Invalid{Hash: o.Hash(), Err: err})
				t.markInvalid(o.Hash())
				continue
			}
			c.Added = append(c.Added, n)
		}
	}
}

// docs:begin follow

// follow moves the main chain to the best tip. If a block on the way
// breaks a rule of the state, the chain goes back to where it was, the
// block and its children leave the tree, and the choice is made again.
func (t *Tree) follow(c *Change, now time.Time) error {
	for {
		best := t.best()
		if best == t.tip {
			return nil
		}
		off, on := t.cfg.Choice.Path(t.tip, best)
		if err := t.checkPath(off, on, best); err != nil {
			return err
		}
		done, err := t.reorganise(c, off, on, now)
		if done || err != nil {
			return err
		}
	}
}

// best is the tip the Choice prefers, the leaves seen first asked
// first: a Choice that ties keeps the tip, then the one seen first.
func (t *Tree) best() *Node {
	best := t.tip
	for _, n := range t.leavesSeen() {
		if n != best && t.cfg.Choice.Better(n, best) {
			best = n
		}
	}
	return best
}

// docs:end follow

// checkPath refuses a Path that does not go from the tip down to the
// fork and up to best, block by block: the chain is not touched.
func (t *Tree) checkPath(off, on []*Node, best *Node) error {
	fork := FindFork(t.tip, best)
	at := t.tip
	for i, n := range off {
		if at == fork {
			return fmt.Errorf("%w: disconnect[%d] is %s at height %d, below the fork %s at %d",
				ErrBadPath, i, describe(n), height(n), fork.Hash.Short(), fork.Height)
		}
		if n != at {
			return fmt.Errorf("%w: disconnect[%d] is %s at height %d, want %s at %d",
				ErrBadPath, i, describe(n), height(n), at.Hash.Short(), at.Height)
		}
		at = at.Parent
	}
	if at != fork {
		return fmt.Errorf("%w: disconnect stops at %s at height %d, the fork is %s at %d",
			ErrBadPath, at.Hash.Short(), at.Height, fork.Hash.Short(), fork.Height)
	}
	for i, n := range on {
		if n == nil || n.Parent != at {
			return fmt.Errorf("%w: connect[%d] is %s at height %d, not a child of %s at %d",
				ErrBadPath, i, describe(n), height(n), at.Hash.Short(), at.Height)
		}
		at = n
	}
	if at != best {
		return fmt.Errorf("%w: it ends at %s at height %d, the best tip is %s at %d",
			ErrBadPath, at.Hash.Short(), at.Height, best.Hash.Short(), best.Height)
	}
	return nil
}

func describe(n *Node) string {
	if n == nil {
		return "nil"
	}
	return n.Hash.Short()
}

func height(n *Node) uint64 {
	if n == nil {
		return 0
	}
	return n.Height
}

// docs:begin reorganise

// reorganise takes off and puts on blocks as a Path says. It is done
// when every block went on; if one breaks a rule, the chain is put back
// as it was and that block's branch is cut, to choose again.
func (t *Tree) reorganise(c *Change, off, on []*Node,
	now time.Time) (bool, error) {
	var offBlocks []*blocks.Block
	for _, n := range off {
		b := t.bodies[n.Hash]
		if err := t.chain.Disconnect(b); err != nil {
			return false, err
		}
		offBlocks = append(offBlocks, b)
	}
	for i, n := range on {
		err := t.chain.Connect(t.bodies[n.Hash], now)
		if err == nil {
			continue
		}
		c.Invalid = append(c.Invalid, Invalid{Hash: n.Hash, Err: err})
		t.cut(n)
		for j := i - 1; j >= 0; j-- { // back to the fork
			if err := t.chain.Disconnect(t.bodies[on[j].Hash]); err != nil {
				return false, err
			}
		}
		for j := len(offBlocks) - 1; j >= 0; j-- { // and up again
			if err := t.chain.Connect(offBlocks[j], now); err != nil {
				return false, fmt.Errorf("putting back block %s: %w",
					offBlocks[j].Hash(), err)
			}
		}
		return false, nil
	}
	c.Disconnected = append(c.Disconnected, offBlocks...)
	for _, n := range on {
		c.Connected = append(c.Connected, t.bodies[n.Hash])
	}
	t.tip = on[len(on)-1]
	if t.tip.Height >= t.pruneAt {
		t.prune()
		t.pruneAt = t.tip.Height + max(1, t.cfg.MaxReorgDepth/4)
	}
	return true, nil
}

// docs:end reorganise

// cut removes n and every block above it from the tree, remembering
// them as invalid.
func (t *Tree) cut(n *Node) {
	var below []*Node // n's descendants, found by walking up from the leaves
	for leaf := range t.leaves {
		for m := leaf; m != nil && m.Height > n.Height; m = m.Parent {
			if m.Ancestor(n.Height) == n && !slices.Contains(below, m) {
				below = append(below, m)
			}
		}
	}
	for _, m := range append(below, n) {
		t.markInvalid(m.Hash)
		delete(t.nodes, m.Hash)
		delete(t.bodies, m.Hash)
		delete(t.leaves, m)
		delete(t.kids, m)
	}
	t.kids[n.Parent]--
	if t.kids[n.Parent] == 0 {
		delete(t.kids, n.Parent)
		t.leaves[n.Parent] = true
	}
}

// markInvalid remembers a hash as invalid, forgetting the oldest past
// MaxInvalid.
func (t *Tree) markInvalid(h blocks.Hash) { t.invalid.Add(h) }

// IsInvalid says whether the tree found h, or an ancestor, invalid.
func (t *Tree) IsInvalid(h blocks.Hash) bool { return t.invalid.Has(h) }

// docs:begin prune

// prune drops the side branches that leave the main chain more than
// MaxReorgDepth blocks below the tip: they could never be followed.
// That, and proof of work, is what bounds the blocks a tree keeps off
// its chain. It runs each time the tip has gone up a quarter of
// MaxReorgDepth, not on every block: a side branch may stay that much
// longer, and pruning costs a walk to the fork for each.
func (t *Tree) prune() {
	for leaf := range t.leaves {
		if t.OnMain(leaf) {
			continue
		}
		fork := FindFork(leaf, t.tip)
		if fork.Height+t.cfg.MaxReorgDepth >= t.tip.Height {
			continue
		}
		for n := leaf; n != fork && t.kids[n] == 0; n = n.Parent {
			delete(t.nodes, n.Hash)
			delete(t.bodies, n.Hash)
			delete(t.leaves, n)
			delete(t.kids, n)
			if t.kids[n.Parent]--; t.kids[n.Parent] == 0 {
				delete(t.kids, n.Parent)
				if n.Parent != fork {
					t.leaves[n.Parent] = true
				}
			}
		}
	}
}

// docs:end prune
