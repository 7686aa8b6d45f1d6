// Package blocks holds the exercises of chapter 08. Each exercise is in
// a file of its own with a stub to replace; the tests say whether it is
// solved. The tasks are in docs/chapters/08-blocks.md, section
// Exercises; check your work with `go run ./tools/grade 08`.
//
// MerkleRoot (merkleroot.go) is the root a header commits to, computed
// as Bitcoin does, with its odd-level rule and the mutation it lets
// through (CVE-2012-2459). VerifyMerkleProof (merkleproof.go) is what a
// light node does with a proof that a transaction is in a block: it
// has the header, not the block. Both are checked against Bitcoin's
// block 100000 and against the chapter's own functions on seeded trees.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package blocks
