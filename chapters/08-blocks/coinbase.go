package blocks

import (
	transactions "peerchain/chapters/07-transactions"
)

// MaxCoinbaseExtra bounds a coinbase's Extra, as Bitcoin bounds its
// coinbase script: 100 bytes.
const MaxCoinbaseExtra = 100

// docs:begin coinbase

// Coinbase is a block's first entry: new money, the block's reward plus
// its transactions' fees, paid to the miner. It carries its block's
// height (Bitcoin's BIP 34), so no two coinbases are the same, and the
// miner's Extra: an extra nonce to change the merkle root when the
// header's nonce runs out, and a message if the miner likes.
type Coinbase struct {
	Height uint64
	To     transactions.Address
	Amount uint64
	Extra  []byte
}

// docs:end coinbase
