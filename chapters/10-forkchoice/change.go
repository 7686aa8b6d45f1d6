package forkchoice

import blocks "peerchain/chapters/08-blocks"

// docs:begin change

// Change is what one Add did to the tree and to the chain it follows.
type Change struct {
	// Added are the blocks new to the tree: the one given, then the
	// orphans it was the missing parent of, in the order attached.
	Added []*Node
	// Orphaned: the block's parent is unknown, so it waits.
	Orphaned bool
	// Disconnected are the blocks taken off the main chain, the old
	// tip first; Connected are those put on, lowest first. A block
	// that extends the tip is one Connected and no Disconnected.
	Disconnected []*blocks.Block
	Connected    []*blocks.Block
	// Invalid are blocks that broke a rule only their branch's state
	// could check (a spend, the coinbase): they and their children are
	// gone from the tree.
	Invalid []Invalid
}

// Invalid is a block found breaking a rule, and the rule.
type Invalid struct {
	Hash blocks.Hash
	Err  error
}

// docs:end change

// Reorg says whether the chain changed branch: some block came off.
func (c *Change) Reorg() bool { return len(c.Disconnected) > 0 }

// TipChanged says whether the chain has a new tip.
func (c *Change) TipChanged() bool { return len(c.Connected) > 0 }
