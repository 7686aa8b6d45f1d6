package forkchoice

import (
	"math/big"

	blocks "peerchain/chapters/08-blocks"
)

// docs:begin node

// Node is what the tree knows of one block: its header, where it sits
// and the work of its branch.
type Node struct {
	Hash   blocks.Hash
	Header blocks.Header
	Height uint64
	Parent *Node // nil for genesis
	// Work is the branch's cumulative work, genesis to this block:
	// Bitcoin Core's nChainWork. It decides between tips.
	Work *big.Int
	// Seq is the order blocks came in, genesis 0: between tips of
	// equal work the one seen first stays.
	Seq uint64
}

// docs:end node

// docs:begin ancestor

// Ancestor is n's block at height (n itself at its own height), or
// nil when n is lower.
func (n *Node) Ancestor(height uint64) *Node {
	if n == nil || height > n.Height {
		return nil
	}
	for n.Height > height {
		n = n.Parent
	}
	return n
}

// FindFork is the last block two branches share: the tips' common
// ancestor. Walk the higher one down to the other's height, then both
// together until they meet. Branches of one tree always meet, at
// genesis if not before.
func FindFork(a, b *Node) *Node {
	if a.Height > b.Height {
		a = a.Ancestor(b.Height)
	} else {
		b = b.Ancestor(a.Height)
	}
	for a != b {
		a, b = a.Parent, b.Parent
	}
	return a
}

// docs:end ancestor
