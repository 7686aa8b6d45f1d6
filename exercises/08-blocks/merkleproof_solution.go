//go:build solution

package blocks

import chapter "peerchain/chapters/08-blocks"

// VerifyMerkleProof reports whether leaf is leaf index of the tree of
// count leaves with root, given its siblings, lowest first.
func VerifyMerkleProof(leaf chapter.Hash, index, count uint32,
	siblings []chapter.Hash, root chapter.Hash) bool {
	if count == 0 || index >= count {
		return false
	}
	// uint64: a level of 2^32-1 nodes has (n+1)/2 = 2^31 above it.
	h, i, n := leaf, uint64(index), uint64(count)
	for _, s := range siblings {
		if n == 1 {
			return false // a sibling past the root: too many
		}
		lastOfOdd := i == n-1 && n%2 == 1
		switch {
		case lastOfOdd && s != h, !lastOfOdd && s == h:
			return false
		case i%2 == 1:
			h = solutionParent(s, h)
		default:
			h = solutionParent(h, s)
		}
		i, n = i/2, (n+1)/2
	}
	return n == 1 && h == root // n > 1: too few siblings
}
