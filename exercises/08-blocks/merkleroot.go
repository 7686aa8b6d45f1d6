//go:build !solution

package blocks

import (
	chapter "peerchain/chapters/08-blocks"
	"peerchain/tools/exercise"
)

// MerkleRoot returns the root of the merkle tree over leaves, as
// Bitcoin Core's ComputeMerkleRoot does, and whether the tree is
// mutated.
//
// Each level pairs its hashes in order and replaces each pair (left,
// right) by chapter.DoubleSHA256 of left's 32 bytes then right's,
// until one hash is left: the root. A level of odd length pairs its
// last hash with itself. One leaf is its own root; no leaves give the
// zero hash.
//
// That odd-level rule lets two lists of leaves have one root: work out
// which, on paper, for three leaves. A block whose transactions were
// duplicated that way has the header of a valid block, so Bitcoin
// flags it (CVE-2012-2459): mutated is true when, at any level, the
// two hashes of a pair are equal. A hash paired with itself because
// its level is odd is not a pair of two.
//
// Write it without chapter.MerkleRoot (it is the answer).
func MerkleRoot(leaves []chapter.Hash) (root chapter.Hash, mutated bool) {
	exercise.NotAttempted() // delete this line when you start
	return chapter.Hash{}, false
}
