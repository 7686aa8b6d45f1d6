// Package blocks is chapter 08: blocks. A block header is Bitcoin's 80
// bytes (version, previous block's hash, merkle root, time, bits,
// nonce), named by its double SHA-256 and shown in Bitcoin's reversed
// hex; the merkle tree commits the header to every transaction and
// proves one of them is inside; a block is the header, a coinbase that
// pays the miner, and chapter 07's transactions; and the chain checks
// each block's rules and applies it to the account state, with the
// undo data to take it back.
//
// Proof of work (the bits and the nonce) is chapter 09's: it plugs into
// the chain as a HeaderRule.
package blocks
