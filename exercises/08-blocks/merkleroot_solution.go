//go:build solution

package blocks

import chapter "peerchain/chapters/08-blocks"

// MerkleRoot returns the root of the merkle tree over leaves, and
// whether two siblings were equal at some level.
func MerkleRoot(leaves []chapter.Hash) (root chapter.Hash, mutated bool) {
	if len(leaves) == 0 {
		return chapter.Hash{}, false
	}
	level := append([]chapter.Hash(nil), leaves...) // the caller's stay
	for len(level) > 1 {
		// Before the padding: the last hash paired with itself is the
		// rule, two equal hashes side by side are the mutation.
		for i := 0; i+1 < len(level); i += 2 {
			if level[i] == level[i+1] {
				mutated = true
			}
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		for i := range len(level) / 2 {
			level[i] = solutionParent(level[2*i], level[2*i+1])
		}
		level = level[:len(level)/2]
	}
	return level[0], mutated
}

// solutionParent is the hash of two siblings, left first.
func solutionParent(left, right chapter.Hash) chapter.Hash {
	var b [2 * chapter.HashSize]byte
	copy(b[:chapter.HashSize], left[:])
	copy(b[chapter.HashSize:], right[:])
	return chapter.DoubleSHA256(b[:])
}
