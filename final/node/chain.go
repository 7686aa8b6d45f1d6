package node

import (
	"errors"
	"fmt"
	"time"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
	"peerchain/final/api"
)

// blockType is the node's block item type: chapter 08's blocks, named by
// their header's hash, which the broadcast takes only when its Check
// says so.
func blockType(check func(broadcast.ID, []byte) error) broadcast.ItemType {
	return broadcast.ItemType{Code: blocks.BlockItem, Name: "block",
		MaxSize: blocks.MaxBlockSize, Check: check}
}

// BlockConnected is emitted when a block goes onto the main chain: it
// extends the tip, or a reorganisation puts it on.
type BlockConnected struct {
	Block  *blocks.Block
	Height uint64
	Raw    []byte // its encoding, as the store keeps it
	// Reorg: a reorganisation put it on, and its Reorganized, emitted
	// before, holds it with the rest of its branch, to store at once.
	Reorg bool
}

// BlockAside is emitted when a valid block is kept off the main chain:
// a block of another branch, or an orphan whose parent has not come.
type BlockAside struct {
	Hash   blocks.Hash
	Parent blocks.Hash
	Orphan bool
}

// Reorganized is emitted when the chain moves to another branch, before
// the BlockConnected of the blocks put on.
type Reorganized struct {
	Fork           uint64 // the height of the last block both share
	OldTip, NewTip blocks.Hash
	Disconnected   int
	Connected      int
	// Branch are the blocks put on, from the fork up, to store in one
	// transaction: a node killed halfway has the old chain or the new.
	Branch []BlockConnected
}

// ForkRefused is emitted when a block's branch leaves the chain more
// than forkchoice.DefaultMaxReorgDepth below the tip: the node will not
// reorganise that deep, whatever the work.
type ForkRefused struct {
	Hash blocks.Hash
	Err  error
}

// whyConflict is the Dropped reason of pending transactions that a
// block's made invalid: the same sender's nonce, or money it spent.
const whyConflict = "conflict with a block"

// ledger is the node's chain: chapter 10's block tree, its rules
// chapter 09's proof of work, its main chain's state shared with the
// mempool. It runs inside the machine, on the loop, through the block
// type's Check.
type ledger struct {
	tree   *forkchoice.Tree
	chain  *blocks.Chain // the tree's main chain
	params pow.Params
	next   pow.RetargetFunc
	pool   *transactions.Mempool
	reorgs int
	// deepest is the most blocks a reorganisation took off.
	deepest int
	// arrivals are when the tip last changed twice, by the clock the
	// machine is given, the newer second.
	arrivals [2]time.Time
	now      time.Time // the event's: Check has no clock of its own
	out      []simulation.Action
	// republish are orphans the tree took in once their parent came,
	// which the broadcast declined when they came: the machine
	// publishes them, to relay.
	republish []broadcast.Item
	// wants are the parents of orphans, which the machine asks its
	// peers for: after a partition the other side's branch comes this
	// way, block by block back to the fork.
	wants []blocks.Hash
}

// newLedger is a ledger of the genesis block of state's network, with
// retarget next (nil: chapter 09's) and fork choice choice (nil:
// chapter 10's most work).
func newLedger(state *transactions.State, next pow.RetargetFunc,
	choice forkchoice.Choice) (*ledger, error) {
	net, ok := blocks.NetworkOf(state.Chain())
	if !ok {
		return nil, fmt.Errorf("no block network for chain %s", state.Chain())
	}
	params, ok := pow.ParamsOf(state.Chain())
	if !ok {
		return nil, fmt.Errorf("no proof-of-work params for chain %s", state.Chain())
	}
	if next == nil {
		next = pow.NextWorkRequired
	}
	tree, err := forkchoice.New(forkchoice.Config{Network: net, State: state,
		Rules: []blocks.HeaderRule{pow.HeaderRuleWith(params, next)},
		OrphanRule: func(h *blocks.Header) error {
			return pow.CheckProofOfWork(h.BlockHash(), h.Bits, params.PowLimit)
		},
		Choice: choice})
	if err != nil {
		return nil, err
	}
	return &ledger{tree: tree, chain: tree.Chain(), params: params, next: next}, nil
}

// docs:begin check-block

// check is the block type's check in the broadcast: the tree takes the
// block in. A block it keeps is relayed, on the main chain or not, so
// that every node hears of every branch; an orphan is declined until
// its parent comes (and the parent is asked for); a fork too deep to follow is declined (no blame:
// the sender may be on it honestly); a block that breaks a rule is an
// error, which costs its sender points.
func (l *ledger) check(id broadcast.ID, data []byte) error {
	b, err := blocks.ParseBlock(data)
	if err != nil {
		return err
	}
	hash := b.Hash()
	if broadcast.ID(hash) != id {
		return fmt.Errorf("%w: block %s sent as %s", broadcast.ErrItemID, hash, blocks.Hash(id))
	}
	if _, ok := l.tree.Node(hash); ok {
		return nil // ours: mined here, or taken in already
	}
	c, err := l.tree.Add(b, l.now)
	if c != nil {
		l.apply(c)
	}
	switch {
	case errors.Is(err, forkchoice.ErrDuplicate): // an orphan again
		l.wants = append(l.wants, b.Header.PrevBlock)
		return fmt.Errorf("%w: %w", broadcast.ErrDeclined, err)
	case errors.Is(err, forkchoice.ErrForkTooOld):
		l.emit(ForkRefused{Hash: hash, Err: err})
		return fmt.Errorf("%w: %w", broadcast.ErrDeclined, err)
	case errors.Is(err, blocks.ErrTimeTooNew):
		// Valid later, by a clock a little ahead of ours: no blame.
		return fmt.Errorf("%w: %w", broadcast.ErrDeclined, err)
	case err != nil:
		return err
	case c.Orphaned:
		l.emit(BlockAside{Hash: hash, Parent: b.Header.PrevBlock, Orphan: true})
		l.wants = append(l.wants, b.Header.PrevBlock)
		return fmt.Errorf("%w: block %s: its parent %s is unknown: kept as an orphan",
			broadcast.ErrDeclined, hash.Short(), b.Header.PrevBlock.Short())
	}
	return nil
}

// docs:end check-block

// accept is how chapter 11's sync hands the ledger a block it
// downloaded: into the tree, and what that did told to the node, as
// for a block the broadcast brought.
func (l *ledger) accept(b *blocks.Block, now time.Time) (*forkchoice.Change, error) {
	l.now = now
	c, err := l.tree.Add(b, now)
	if c != nil {
		l.apply(c)
	}
	return c, err
}

// docs:begin apply-change

// apply tells the rest of the node what the tree did: the mempool
// takes back the transactions of blocks taken off and drops those of
// blocks put on; a reorganisation is emitted, then each block put on;
// each block kept off the chain is emitted as aside; orphans that
// joined are published again, to relay.
func (l *ledger) apply(c *forkchoice.Change) {
	if c.TipChanged() {
		if dropped := forkchoice.UpdateMempool(l.pool, c, l.now); len(dropped) > 0 {
			l.emit(transactions.Dropped{Txs: dropped, Why: whyConflict})
		}
	}
	var branch []BlockConnected
	for _, b := range c.Connected {
		raw, _ := b.Bytes() // it came as bytes, or was mined here: it encodes
		branch = append(branch, BlockConnected{Block: b, Height: b.Coinbase.Height, Raw: raw,
			Reorg: c.Reorg()})
	}
	if c.Reorg() {
		l.reorgs++
		l.deepest = max(l.deepest, len(c.Disconnected))
		l.emit(Reorganized{Fork: branch[0].Height - 1,
			OldTip: c.Disconnected[0].Hash(), NewTip: l.chain.Tip(),
			Disconnected: len(c.Disconnected), Connected: len(c.Connected), Branch: branch})
	}
	if len(branch) > 0 { // one new tip, however many blocks it took
		l.arrivals = [2]time.Time{l.arrivals[1], l.now}
	}
	for _, bc := range branch {
		l.emit(bc)
	}
	for i, n := range c.Added {
		if !l.tree.OnMain(n) {
			l.emit(BlockAside{Hash: n.Hash, Parent: n.Header.PrevBlock})
		}
		if i > 0 { // an orphan, declined when it came
			b, _ := l.tree.Block(n.Hash)
			raw, _ := b.Bytes()
			l.republish = append(l.republish, broadcast.Item{Type: blocks.BlockItem,
				ID: broadcast.ID(n.Hash), Data: raw})
		}
	}
}

// docs:end apply-change

// restore connects a block the store kept, at start: every rule is
// checked again, against the clock now.
func (l *ledger) restore(b *blocks.Block, now time.Time) error {
	c, err := l.tree.Add(b, now)
	if err == nil && !c.TipChanged() {
		err = fmt.Errorf("%w: parent %s, the tip is %s", blocks.ErrPrevBlock,
			b.Header.PrevBlock.Short(), l.chain.Tip().Short())
	}
	return err
}

// template is the block to mine next on the tip, paying to.
func (l *ledger) template(to transactions.Address, now time.Time) (*blocks.Block, error) {
	return pow.NewTemplate(l.chain, l.pool, l.params, l.next, to, now)
}

// mainBlock is the main chain's block with hash, if the tree has it.
func (l *ledger) mainBlock(hash blocks.Hash) *blocks.Block {
	n, ok := l.tree.Node(hash)
	if !ok || !l.tree.OnMain(n) {
		return nil
	}
	b, _ := l.tree.Block(hash)
	return b
}

// recent is up to api.MaxRecentBlocks of the main chain's newest
// blocks, the tip first.
func (l *ledger) recent() []*blocks.Block {
	var out []*blocks.Block
	for h := l.chain.Height(); h > 0 && len(out) < api.MaxRecentBlocks; h-- {
		hash, _ := l.chain.HashAt(h)
		if b, ok := l.tree.Block(hash); ok {
			out = append(out, b)
		}
	}
	return out
}

// aside is how many valid blocks the node keeps off its main chain:
// other branches' and orphans.
func (l *ledger) aside() int {
	return l.tree.Len() - int(l.chain.Height()) - 1 + l.tree.Orphans()
}

// lastInterval is the time between the last two changes of tip, 0
// before two.
func (l *ledger) lastInterval() time.Duration {
	if l.arrivals[0].IsZero() {
		return 0
	}
	return l.arrivals[1].Sub(l.arrivals[0])
}

func (l *ledger) emit(v any) { l.out = append(l.out, simulation.Emit{Value: v}) }

// takeOut is what the ledger did since it was last asked, and clears it.
func (l *ledger) takeOut() []simulation.Action {
	out := l.out
	l.out = nil
	return out
}
