// Package transactions is chapter 07: moving value. A key pair signs
// transfers (ed25519, from the standard library); an address is the
// public key's hash, written with a checksum that catches any mistyped
// character; a transaction names its sender, recipient, amount, fee,
// nonce and network, and is signed; the account state applies it and
// can undo it; the mempool keeps the transactions waiting for a block,
// bounded and ordered by fee rate; and the relay spreads them over
// chapter 06's broadcast, optionally hiding where each one started.
//
// The Relay is a discovery.Protocol: it runs in chapter 05's mux,
// driven by chapter 04's simulator or real driver.
package transactions
