package forkchoice

import (
	"time"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// BlockOn is chapter 08's NewBlock on any block of the tree, not only
// the tip: a block on parent paying to the subsidy and txs' fees, with
// time at and bits, nonce 0. It is how the tests, the experiment and a
// miner of a side branch make blocks; time is the caller's to keep
// after the branch's median time past.
func BlockOn(parent *Node, net *blocks.Network, to transactions.Address,
	txs []*transactions.Tx, at time.Time, bits uint32) *blocks.Block {
	height := parent.Height + 1
	b := &blocks.Block{
		Coinbase: blocks.Coinbase{Height: height, To: to, Amount: net.SubsidyAt(height)},
		Txs:      txs,
	}
	if fees, err := b.Fees(); err == nil && fees <= ^uint64(0)-b.Coinbase.Amount {
		b.Coinbase.Amount += fees
	}
	b.Header = blocks.Header{Version: blocks.BlockVersion, PrevBlock: parent.Hash,
		Time: uint32(at.Unix()), Bits: bits}
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b
}
