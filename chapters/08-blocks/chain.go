package blocks

import (
	"errors"
	"fmt"
	"time"

	transactions "peerchain/chapters/07-transactions"
)

// Errors of the chain's own use, beside the rules.
var (
	ErrChainConfig = errors.New("invalid chain config")
	ErrNotTip      = errors.New("not the tip")
)

// docs:begin chain

// ChainConfig is what a chain starts from.
type ChainConfig struct {
	Network *Network            // its genesis block and money
	State   *transactions.State // the state at genesis, of Network's magic
	Rules   []HeaderRule        // run on each header after the context's
	// TxCheck checks each transaction of a block alone, signature
	// included: nil is tx.Check. A node that has checked signatures
	// ahead, on every core, passes its SigCache's Check here.
	TxCheck TxCheck
}

// Chain is one line of blocks from genesis, in memory: each header,
// the undo data of each block, and the state at the tip. The blocks
// themselves are the caller's to keep. A Chain is a ChainView. It is
// not safe for concurrent use.
type Chain struct {
	net     *Network
	state   *transactions.State
	rules   []HeaderRule
	txCheck TxCheck
	headers []Header // by height, genesis first
	hashes  []Hash   // headers[i]'s hash
	heights map[Hash]uint64
	undos   []*BlockUndo // undos[i] is block i+1's
}

// docs:end chain

// NewChain is a chain of the genesis block only.
func NewChain(cfg ChainConfig) (*Chain, error) {
	if cfg.Network == nil || cfg.State == nil {
		return nil, fmt.Errorf("%w: a network and a state are needed", ErrChainConfig)
	}
	if cfg.State.Chain() != cfg.Network.Magic {
		return nil, fmt.Errorf("%w: a state of %s for the %s network",
			ErrChainConfig, cfg.State.Chain(), cfg.Network.Name)
	}
	genesis := &cfg.Network.Genesis
	if err := CheckBlockSanity(genesis, cfg.Network); err != nil {
		return nil, fmt.Errorf("%w: genesis: %w", ErrChainConfig, err)
	}
	hash := genesis.Hash()
	return &Chain{
		net:     cfg.Network,
		state:   cfg.State,
		rules:   cfg.Rules,
		txCheck: cfg.TxCheck,
		headers: []Header{genesis.Header},
		hashes:  []Hash{hash},
		heights: map[Hash]uint64{hash: 0},
	}, nil
}

// Height is the tip's height: 0 at genesis.
func (c *Chain) Height() uint64 { return uint64(len(c.headers) - 1) }

// HeaderAt is the header at a height, if the chain is that high.
func (c *Chain) HeaderAt(height uint64) (Header, bool) {
	if height >= uint64(len(c.headers)) {
		return Header{}, false
	}
	return c.headers[height], true
}

// HashAt is the hash of the block at a height.
func (c *Chain) HashAt(height uint64) (Hash, bool) {
	if height >= uint64(len(c.hashes)) {
		return Hash{}, false
	}
	return c.hashes[height], true
}

// HeightOf is the height of the block with a hash, if it is on the
// chain.
func (c *Chain) HeightOf(h Hash) (uint64, bool) {
	height, ok := c.heights[h]
	return height, ok
}

// Tip is the hash of the last block.
func (c *Chain) Tip() Hash { return c.hashes[len(c.hashes)-1] }

// TipHeader is the last block's header.
func (c *Chain) TipHeader() Header { return c.headers[len(c.headers)-1] }

// State is the state at the tip. It is the chain's: change it only
// through Connect and Disconnect.
func (c *Chain) State() *transactions.State { return c.state }

// Network is the chain's network.
func (c *Chain) Network() *Network { return c.net }

// docs:begin connect

// Check applies every rule to a block on top of the tip, with the
// clock's time now, and leaves the chain and its state as they were.
func (c *Chain) Check(b *Block, now time.Time) error {
	u, err := c.apply(b, now)
	if err != nil {
		return err
	}
	RevertBlock(c.state, u)
	return nil
}

// Connect applies every rule to a block on top of the tip and, if it
// keeps them, makes it the new tip.
func (c *Chain) Connect(b *Block, now time.Time) error {
	u, err := c.apply(b, now)
	if err != nil {
		return err
	}
	c.headers = append(c.headers, b.Header)
	c.hashes = append(c.hashes, u.Hash)
	c.heights[u.Hash] = u.Height
	c.undos = append(c.undos, u)
	return nil
}

// apply checks a block in the order of cost, cheapest first, and
// applies it to the state.
func (c *Chain) apply(b *Block, now time.Time) (*BlockUndo, error) {
	if err := CheckBlockSanityWith(b, c.net, c.txCheck); err != nil {
		return nil, err
	}
	if err := CheckHeaderContext(&b.Header, c, now); err != nil {
		return nil, err
	}
	for _, rule := range c.rules {
		if err := rule(&b.Header, c); err != nil {
			return nil, err
		}
	}
	return ApplyBlock(c.state, b, c.net, c.Height()+1)
}

// Disconnect takes the tip off the chain, reverting its block from the
// state. b must be the tip; genesis cannot be disconnected.
func (c *Chain) Disconnect(b *Block) error {
	hash := b.Hash()
	if c.Height() == 0 || hash != c.Tip() {
		return fmt.Errorf("%w: %s, the tip is %s at height %d",
			ErrNotTip, hash, c.Tip(), c.Height())
	}
	last := len(c.undos) - 1
	RevertBlock(c.state, c.undos[last])
	c.undos = c.undos[:last]
	delete(c.heights, hash)
	c.headers = c.headers[:len(c.headers)-1]
	c.hashes = c.hashes[:len(c.hashes)-1]
	return nil
}

// docs:end connect
