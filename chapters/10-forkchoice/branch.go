package forkchoice

import blocks "peerchain/chapters/08-blocks"

// docs:begin branch

// branch is the chain a block would extend, as chapter 08's rules see
// it: tip's ancestors, read from the main chain below the fork. It is
// how a block of another branch is checked against its own branch's
// retarget and median time, not the main chain's.
type branch struct {
	tree *Tree
	tip  *Node
}

var _ blocks.ChainView = branch{}

func (b branch) Height() uint64 { return b.tip.Height }

func (b branch) HeaderAt(height uint64) (blocks.Header, bool) {
	n := b.tip
	if height > n.Height {
		return blocks.Header{}, false
	}
	for n.Height > height && !b.tree.OnMain(n) {
		n = n.Parent
	}
	if n.Height == height {
		return n.Header, true
	}
	return b.tree.chain.HeaderAt(height) // n is on the main chain, above
}

// docs:end branch
