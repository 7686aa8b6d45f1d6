package node

import (
	"errors"
	"fmt"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	"peerchain/final/api"
)

// MaxAsideBlocks bounds the valid blocks a node keeps off its chain:
// blocks of another branch, for chapter 10's fork choice, and blocks
// whose parent has not come yet, connected when it does. Past it the
// oldest goes.
const MaxAsideBlocks = 64

// blockType is the node's block item type: chapter 08's blocks, named by
// their header's hash, which the broadcast takes only when its Check
// says so.
func blockType(check func(broadcast.ID, []byte) error) broadcast.ItemType {
	return broadcast.ItemType{Code: blocks.BlockItem, Name: "block",
		MaxSize: blocks.MaxBlockSize, Check: check}
}

// BlockConnected is emitted when a block becomes the chain's tip: mined
// here, or relayed by a peer.
type BlockConnected struct {
	Block  *blocks.Block
	Height uint64
	Raw    []byte // its encoding, as the store keeps it
}

// BlockAside is emitted when a valid block is kept off the chain: it
// does not extend the tip.
type BlockAside struct {
	Hash   blocks.Hash
	Parent blocks.Hash
}

// whyConflict is the Dropped reason of pending transactions that a
// block's made invalid: the same sender's nonce, or money it spent.
const whyConflict = "conflict with a block"

// ledger is the node's chain: chapter 08's linear chain with chapter
// 09's proof of work as its header rule, the blocks kept aside, and
// the newest blocks' bodies for the API. It runs inside the machine,
// on the loop, through the block type's Check.
type ledger struct {
	chain    *blocks.Chain
	params   pow.Params
	next     pow.RetargetFunc
	pool     *transactions.Mempool
	aside    map[blocks.Hash]*blocks.Block
	order    []blocks.Hash // aside's, oldest first
	maxAside int           // MaxAsideBlocks; tests set less
	recent   []*blocks.Block
	// arrivals are when the last two blocks were connected, by the
	// clock the machine is given, the newer second.
	arrivals [2]time.Time
	now      time.Time // the event's: Check has no clock of its own
	out      []simulation.Action
	// republish are blocks connected from aside, which the broadcast
	// declined when they came: the machine publishes them, to relay.
	republish []broadcast.Item
}

// newLedger is a ledger of the genesis block of magic's network on
// state, with retarget next (nil: chapter 09's).
func newLedger(state *transactions.State, next pow.RetargetFunc) (*ledger, error) {
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
	c, err := blocks.NewChain(blocks.ChainConfig{Network: net, State: state,
		Rules: []blocks.HeaderRule{pow.HeaderRuleWith(params, next)}})
	if err != nil {
		return nil, err
	}
	return &ledger{chain: c, params: params, next: next,
		aside: make(map[blocks.Hash]*blocks.Block), maxAside: MaxAsideBlocks}, nil
}

// docs:begin check-block

// check is the block type's check in the broadcast. A block that
// extends the tip is connected, and the broadcast relays it; any other
// valid one is kept aside and declined (nobody is blamed: it may be of
// a branch this node does not follow, or early); a block that breaks
// a rule is an error, which costs its sender points.
func (l *ledger) check(id broadcast.ID, data []byte) error {
	b, err := blocks.ParseBlock(data)
	if err != nil {
		return err
	}
	hash := b.Hash()
	if broadcast.ID(hash) != id {
		return fmt.Errorf("%w: block %s sent as %s", broadcast.ErrItemID, hash, blocks.Hash(id))
	}
	if _, ok := l.chain.HeightOf(hash); ok {
		return nil // ours: mined here, or connected from aside
	}
	if b.Header.PrevBlock != l.chain.Tip() {
		return l.keepAside(b)
	}
	err = l.connect(b)
	if errors.Is(err, blocks.ErrTimeTooNew) {
		// Valid later, by a clock a little ahead of ours: no blame.
		return fmt.Errorf("%w: %w", broadcast.ErrDeclined, err)
	}
	return err
}

// docs:end check-block

// keepAside keeps a block that does not extend the tip, once it passes
// every check that needs no chain: its own rules and its proof of
// work against its bits. Whether its bits are right needs its branch.
func (l *ledger) keepAside(b *blocks.Block) error {
	hash := b.Hash()
	if err := blocks.CheckBlockSanity(b, l.chain.Network()); err != nil {
		return err
	}
	if err := pow.CheckProofOfWork(hash, b.Header.Bits, l.params.PowLimit); err != nil {
		return err
	}
	if _, ok := l.aside[hash]; !ok {
		if len(l.order) == l.maxAside {
			delete(l.aside, l.order[0])
			l.order = l.order[1:]
		}
		l.aside[hash] = b
		l.order = append(l.order, hash)
		l.emit(BlockAside{Hash: hash, Parent: b.Header.PrevBlock})
	}
	return fmt.Errorf("%w: block %s does not extend the tip %s: kept aside",
		broadcast.ErrDeclined, hash.Short(), l.chain.Tip().Short())
}

// connect makes b, whose parent is the tip, the new tip, and then any
// block kept aside whose parent it is, in turn. It returns the first
// block's error; the others, already declined once, are published
// again (they come back through check, which finds them connected).
func (l *ledger) connect(b *blocks.Block) error {
	if err := l.connectOne(b); err != nil {
		return err
	}
	for {
		child := l.asideChildOf(l.chain.Tip())
		if child == nil {
			return nil
		}
		l.forget(child.Hash())
		if l.connectOne(child) != nil {
			continue // it breaks a rule its branch checks: gone
		}
		raw, _ := child.Bytes() // it came as bytes: it encodes
		l.republish = append(l.republish, broadcast.Item{Type: blocks.BlockItem,
			ID: broadcast.ID(child.Hash()), Data: raw})
	}
}

// connectOne connects one block on the tip, and tells the mempool.
func (l *ledger) connectOne(b *blocks.Block) error {
	raw, err := b.Bytes()
	if err != nil {
		return err
	}
	if err := l.chain.Connect(b, l.now); err != nil {
		return err
	}
	if dropped := l.pool.BlockApplied(b.Txs); len(dropped) > 0 {
		l.emit(transactions.Dropped{Txs: dropped, Why: whyConflict})
	}
	l.recent = append(l.recent, b)
	if len(l.recent) > api.MaxRecentBlocks {
		l.recent = slices.Delete(l.recent, 0, 1)
	}
	l.arrivals = [2]time.Time{l.arrivals[1], l.now}
	l.emit(BlockConnected{Block: b, Height: l.chain.Height(), Raw: raw})
	return nil
}

// asideChildOf is a block kept aside whose parent is hash, the oldest
// if there are several; nil if none.
func (l *ledger) asideChildOf(hash blocks.Hash) *blocks.Block {
	for _, h := range l.order {
		if b := l.aside[h]; b.Header.PrevBlock == hash {
			return b
		}
	}
	return nil
}

func (l *ledger) forget(hash blocks.Hash) {
	delete(l.aside, hash)
	l.order = slices.DeleteFunc(l.order, func(h blocks.Hash) bool { return h == hash })
}

// restore connects a block the store kept, at start: every rule is
// checked again, against the clock now.
func (l *ledger) restore(b *blocks.Block, now time.Time) error {
	l.now = now
	err := l.connectOne(b)
	l.out = nil // nothing to tell anyone: the node is not running yet
	l.arrivals = [2]time.Time{}
	return err
}

// template is the block to mine next on the tip, paying to.
func (l *ledger) template(to transactions.Address, now time.Time) (*blocks.Block, error) {
	return pow.NewTemplate(l.chain, l.pool, l.params, l.next, to, now)
}

// lastInterval is the time between the last two blocks connected, 0
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
