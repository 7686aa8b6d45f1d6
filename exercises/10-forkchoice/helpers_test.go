package forkchoice

import (
	"fmt"
	"math/big"
	"strings"

	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/10-forkchoice"
)

// handTree is a block tree built by hand, node by node, for the rows
// that need no real blocks: each node is named, and its hash is the
// hash of its name.
type handTree struct {
	nodes map[string]*chapter.Node
	names map[*chapter.Node]string
	seq   uint64
}

// handWork is the work of each block of a handTree unless told.
const handWork = 2

// newHandTree is a tree of a genesis named "g" of work 1.
func newHandTree() *handTree {
	g := &chapter.Node{Hash: blocks.DoubleSHA256([]byte("g")), Work: big.NewInt(1)}
	return &handTree{nodes: map[string]*chapter.Node{"g": g},
		names: map[*chapter.Node]string{g: "g"}}
}

// add puts name on parent with work handWork and returns the tree.
func (t *handTree) add(parent string, names ...string) *handTree {
	for _, name := range names {
		t.addWork(name, parent, big.NewInt(handWork))
		parent = name
	}
	return t
}

// addWork puts name on parent, its own block's work being work.
func (t *handTree) addWork(name, parent string, work *big.Int) *chapter.Node {
	p, ok := t.nodes[parent]
	if !ok {
		panic("handTree: no node " + parent) // a row is mistyped
	}
	if _, dup := t.nodes[name]; dup {
		panic("handTree: two nodes " + name)
	}
	t.seq++
	n := &chapter.Node{Hash: blocks.DoubleSHA256([]byte(name)), Height: p.Height + 1,
		Parent: p, Work: new(big.Int).Add(p.Work, work), Seq: t.seq}
	t.nodes[name] = n
	t.names[n] = name
	return n
}

// node is the node named name.
func (t *handTree) node(name string) *chapter.Node {
	n, ok := t.nodes[name]
	if !ok {
		panic("handTree: no node " + name)
	}
	return n
}

// name is what n is called, "nil", or its height and hash when it is
// no node of t.
func (t *handTree) name(n *chapter.Node) string {
	if n == nil {
		return "nil"
	}
	if name, ok := t.names[n]; ok {
		return name
	}
	return fmt.Sprintf("a node of no tree here (height %d, %s)", n.Height, n.Hash.Short())
}

// list names nodes in order, "[]" for none.
func (t *handTree) list(ns []*chapter.Node) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = t.name(n)
	}
	return "[" + strings.Join(names, " ") + "]"
}
