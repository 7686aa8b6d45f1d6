package pow

import (
	"fmt"
	"math/bits"
	"time"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

const (
	// templateVersion is the version a template's header carries.
	templateVersion = 1
	// templateTag follows the extra nonce in a template's coinbase
	// Extra: who made the block, as miners sign theirs.
	templateTag = "peerchain"
	// maxTxCountSize is the most bytes a block's transaction count
	// takes (a CompactSize), kept out of the room for transactions.
	maxTxCountSize = 9
)

// docs:begin template

// NewTemplate is the block a miner works on next, on c's tip: the
// pool's best-paying transactions that fit in MaxBlockSize, a coinbase
// paying the height's subsidy and their fees to to, the bits next
// says, and a time after the median of the last blocks and no earlier
// than now. Its nonce is still to find (MineBlock).
func NewTemplate(c *blocks.Chain, pool *transactions.Mempool, p Params,
	next RetargetFunc, to transactions.Address, now time.Time) (*blocks.Block, error) {
	height := c.Height() + 1
	extra := make([]byte, ExtraNonceSize, ExtraNonceSize+len(templateTag))
	b := &blocks.Block{Coinbase: blocks.Coinbase{
		Height: height, To: to, Extra: append(extra, templateTag...)}}
	room := blocks.MaxBlockSize - blocks.HeaderSize - b.Coinbase.Size() - maxTxCountSize
	b.Txs = pool.Select(transactions.Limit{Bytes: room})
	fees, err := b.Fees()
	if err != nil {
		return nil, fmt.Errorf("template at height %d: %w", height, err)
	}
	amount, carry := bits.Add64(c.Network().SubsidyAt(height), fees, 0)
	if carry != 0 {
		return nil, fmt.Errorf("template at height %d: subsidy and fees past 2^64", height)
	}
	b.Coinbase.Amount = amount
	b.Header = blocks.Header{
		Version:   templateVersion,
		PrevBlock: c.Tip(),
		Time:      max(uint32(now.Unix()), blocks.MedianTimePast(c)+1),
		Bits:      next(p, c),
	}
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b, nil
}

// docs:end template
