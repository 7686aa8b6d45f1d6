package blocks

import (
	"time"

	transactions "peerchain/chapters/07-transactions"
)

// BlockVersion is the version of the blocks this chapter makes.
const BlockVersion = 1

// docs:begin new-block

// NewBlock is a block on top of c's tip, paying to the subsidy and the
// fees of txs, which the caller has chosen to apply in order (chapter
// 07's mempool selection does): a coinbase of the next height, the
// merkle root, and a time of now, or one second after the median time
// past if now is not after it. Bits is the caller's, and the nonce is
// 0: finding one that meets the bits is chapter 09's mining. Fees that
// overflow leave the coinbase at the subsidy; Check refuses the block.
func NewBlock(c *Chain, to transactions.Address, txs []*transactions.Tx,
	now time.Time, bits uint32) *Block {
	height := c.Height() + 1
	b := &Block{
		Coinbase: Coinbase{Height: height, To: to,
			Amount: c.Network().SubsidyAt(height)},
		Txs: txs,
	}
	if fees, err := b.Fees(); err == nil && fees <= ^uint64(0)-b.Coinbase.Amount {
		b.Coinbase.Amount += fees
	}
	t := max(now.Unix(), int64(MedianTimePast(c))+1)
	b.Header = Header{
		Version:   BlockVersion,
		PrevBlock: c.Tip(),
		Time:      uint32(min(t, int64(^uint32(0)))),
		Bits:      bits,
	}
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b
}

// docs:end new-block
