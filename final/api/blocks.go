package api

import "time"

// The chain in the API's terms (chapters 08 and 09): the node's main
// chain, its blocks by hash or height, and its headers.

// MaxRecentBlocks bounds Blocks.Blocks.
const MaxRecentBlocks = 20

// MaxHeaders bounds what one GET /api/v1/headers returns: chapter 08's
// headers message carries as many.
const MaxHeaders = 2000

// DefaultHeaders is how many headers GET /api/v1/headers returns when
// the request does not say.
const DefaultHeaders = 100

// BlockSummary is one block of the main chain, without its
// transactions.
type BlockSummary struct {
	Hash      string    `json:"hash"` // reversed hex, as Bitcoin shows it
	Height    uint64    `json:"height"`
	PrevBlock string    `json:"prev_block"`
	Time      time.Time `json:"time"` // the header's, to the second
	Bits      string    `json:"bits"` // the compact target, 8 hex digits
	Nonce     uint32    `json:"nonce"`
	Txs       int       `json:"txs"`    // transactions, the coinbase not counted
	Size      int       `json:"size"`   // bytes of its encoding
	Miner     string    `json:"miner"`  // the address its coinbase pays
	Reward    uint64    `json:"reward"` // what its coinbase pays: subsidy and fees
}

// Blocks is GET /api/v1/blocks: the main chain's tip and its newest
// blocks.
type Blocks struct {
	Height uint64         `json:"height"`
	Tip    string         `json:"tip"`
	Blocks []BlockSummary `json:"blocks"` // the tip first, at most MaxRecentBlocks
}

// Block is GET /api/v1/blocks/{hash or height}: one block of the main
// chain, with its transactions.
type Block struct {
	BlockSummary
	Version    int32  `json:"version"`
	MerkleRoot string `json:"merkle_root"`
	// Confirmations is 1 for the tip, 2 for its parent, and so on.
	Confirmations uint64 `json:"confirmations"`
	Transactions  []Tx   `json:"transactions"` // the coinbase not among them
}

// Header is one header, in GET /api/v1/headers.
type Header struct {
	Hash       string    `json:"hash"`
	Height     uint64    `json:"height"`
	Version    int32     `json:"version"`
	PrevBlock  string    `json:"prev_block"`
	MerkleRoot string    `json:"merkle_root"`
	Time       time.Time `json:"time"`
	Bits       string    `json:"bits"`
	Nonce      uint32    `json:"nonce"`
	Hex        string    `json:"hex"` // its 80 bytes
}

// Headers is GET /api/v1/headers?from=HEIGHT&count=N: up to N headers
// of the main chain from height HEIGHT up (N from 1 to MaxHeaders,
// DefaultHeaders if not given).
type Headers struct {
	From    uint64   `json:"from"`
	Height  uint64   `json:"height"` // the tip's
	Headers []Header `json:"headers"`
}
