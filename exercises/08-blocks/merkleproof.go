//go:build !solution

package blocks

import (
	chapter "peerchain/chapters/08-blocks"
	"peerchain/tools/exercise"
)

// VerifyMerkleProof reports whether leaf is leaf number index (from 0)
// of a merkle tree of count leaves whose root is root, as MerkleRoot
// computes it. siblings are the hashes beside the path from the leaf up
// to the root, lowest first, as chapter.BuildMerkleProof gives them: a
// light node has the block's header, so the root, and not its
// transactions.
//
// At each level, the node's position says whether its sibling goes on
// its left or on its right. The count says how many levels there are,
// so how many siblings a proof must have, no more and no fewer, and
// where a level has odd length: there the last node is paired with
// itself, and the proof's sibling for it must be that node. Anywhere
// else a sibling equal to its node is the duplication MerkleRoot calls
// mutated: refuse it, or one proof would place the leaf at two
// positions. A count of 0, or an index past it, proves nothing.
//
// All hashes here are in the byte order the hash function gives, as
// chapter.Hash holds them; explorers print them reversed
// (chapter.ParseHash reads that). Count goes up to 2^32-1: mind what
// (count+1)/2 is in a uint32 then.
//
// Write it without chapter.VerifyMerkleProof and MerkleProof.Root
// (they are the answer).
func VerifyMerkleProof(leaf chapter.Hash, index, count uint32,
	siblings []chapter.Hash, root chapter.Hash) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}
