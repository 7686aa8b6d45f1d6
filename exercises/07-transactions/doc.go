// Package transactions holds the exercises of chapter 07. Each exercise
// is in a file of its own with a stub to replace; the tests say whether
// it is solved. The tasks are in docs/chapters/07-transactions.md,
// section Exercises; check your work with `go run ./tools/grade 07`.
//
// VerifyTx (verifytx.go) is what a node does with a transaction's bytes
// from a peer: every rule, in order, written by hand. Bech32mChecksum
// and ValidChecksum (addresschecksum.go) are the checksum that ends an
// address's text. The checksum's arithmetic, Polymod, is given in
// polymod.go, a copy of the chapter's: the exercise is what goes into
// it and what comes out, not the polynomial division itself.
//
// Select (selection.go) is the chapter's lab: the mempool's selection,
// a chapter.SelectFunc, choosing a block's transactions from each
// sender's pending queue (prefixes, in nonce order, within a Limit) to
// pay the most in fees. It is graded by scenarios on a real Mempool
// against chapter.GreedySelect, which a package rule (child pays for
// parent) beats; `transfers -lab` and `peerchain devnet --lab 07` run it.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package transactions
