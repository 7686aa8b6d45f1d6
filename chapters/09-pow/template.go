package pow

import (
	"fmt"
	"math/bits"
	"time"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

const (
	// templateTag follows the extra nonce in a template's coinbase
	// Extra: who made the block, as miners sign theirs.
	templateTag = "peerchain"
	// maxTxCountSize is the most bytes a block's transaction count
	// takes (a CompactSize), kept out of the room for transactions.
	maxTxCountSize = 9
)

// docs:begin template

// NewTemplate is the block a miner works on next, on c's tip: chapter
// 08's NewBlock with the pool's best-paying transactions that fit in
// MaxBlockSize, the bits next says, and room in the coinbase's Extra
// for the extra nonce. Its nonce is still to find (MineBlock).
func NewTemplate(c *blocks.Chain, pool *transactions.Mempool,
	p Params, next RetargetFunc, to transactions.Address,
	now time.Time) (*blocks.Block, error) {
	extra := make([]byte, ExtraNonceSize, ExtraNonceSize+len(templateTag))
	extra = append(extra, templateTag...)
	coinbase := blocks.Coinbase{Extra: extra} // its size is all we need
	room := blocks.MaxBlockSize - blocks.HeaderSize - coinbase.Size() -
		maxTxCountSize
	txs := pool.Select(transactions.Limit{Bytes: room})
	b := blocks.NewBlock(c, to, txs, now, next(p, c))
	height := b.Coinbase.Height
	fees, err := b.Fees()
	if err != nil {
		return nil, fmt.Errorf("template at height %d: %w", height, err)
	}
	subsidy := c.Network().SubsidyAt(height)
	if _, carry := bits.Add64(subsidy, fees, 0); carry != 0 {
		return nil, fmt.Errorf(
			"template at height %d: subsidy and fees past 2^64", height)
	}
	b.Coinbase.Extra = extra
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b, nil
}

// docs:end template
