package blocks

// docs:begin merkle-root

// MerkleRoot is the root of the merkle tree over leaves, as Bitcoin
// Core's ComputeMerkleRoot computes it: each level pairs its hashes and
// hashes each pair, SHA-256d(left || right); a level of odd length
// pairs its last hash with itself. No leaves give the zero hash.
//
// mutated says whether two siblings were equal at some level. Pairing
// the last hash with itself means the leaves [a b c] and [a b c c] have
// one root (CVE-2012-2459): a block whose transactions end duplicated
// has the same header as the valid one, so a node that rejected the
// bad copy must not mark the header itself bad. CheckBlockSanity
// refuses a mutated block; its hash stays innocent.
func MerkleRoot(leaves []Hash) (root Hash, mutated bool) {
	if len(leaves) == 0 {
		return Hash{}, false
	}
	level := append([]Hash(nil), leaves...)
	for len(level) > 1 {
		for i := 0; i+1 < len(level); i += 2 {
			if level[i] == level[i+1] {
				mutated = true
			}
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		for i := range len(level) / 2 {
			level[i] = merkleParent(level[2*i], level[2*i+1])
		}
		level = level[:len(level)/2]
	}
	return level[0], mutated
}

// merkleParent is the hash of two siblings: SHA-256d of their 64 bytes.
func merkleParent(left, right Hash) Hash {
	var b [2 * HashSize]byte
	copy(b[:HashSize], left[:])
	copy(b[HashSize:], right[:])
	return DoubleSHA256(b[:])
}

// docs:end merkle-root
