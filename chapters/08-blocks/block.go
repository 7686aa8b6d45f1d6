package blocks

import (
	transactions "peerchain/chapters/07-transactions"
)

// MaxBlockSize bounds a block's encoding, as Bitcoin's first limit did:
// 1,000,000 bytes.
const MaxBlockSize = 1_000_000

// docs:begin block

// Block is a header, the coinbase that pays its miner, and chapter 07's
// transactions, in the order they apply.
type Block struct {
	Header   Header
	Coinbase Coinbase
	Txs      []*transactions.Tx
}

// docs:end block
