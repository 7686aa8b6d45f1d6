package blocks

import (
	"errors"
	"fmt"
)

// ErrMerkleProof is a merkle proof that cannot be right whatever the
// root: an index past the count, or siblings too few or too many.
var ErrMerkleProof = errors.New("invalid merkle proof")

// docs:begin merkle-proof

// MerkleProof shows that a leaf is in a tree without the other leaves:
// the leaf's position, how many leaves the tree has, and the sibling
// of each node on the way from the leaf to the root, lowest first. A
// light node that keeps only headers checks that a transaction is in a
// block with a proof of log2(n) hashes instead of the n transactions.
type MerkleProof struct {
	Index, Count uint32
	Siblings     []Hash
}

// BuildMerkleProof is the proof for leaves[index].
func BuildMerkleProof(leaves []Hash, index int) (MerkleProof, error) {
	if index < 0 || index >= len(leaves) || uint64(len(leaves)) > 1<<32-1 {
		return MerkleProof{}, fmt.Errorf("%w: leaf %d of %d",
			ErrMerkleProof, index, len(leaves))
	}
	p := MerkleProof{Index: uint32(index), Count: uint32(len(leaves))}
	level := append([]Hash(nil), leaves...)
	for i := index; len(level) > 1; i /= 2 {
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		p.Siblings = append(p.Siblings, level[i^1])
		for j := range len(level) / 2 {
			level[j] = merkleParent(level[2*j], level[2*j+1])
		}
		level = level[:len(level)/2]
	}
	return p, nil
}

// Root is the root the proof gives for leaf. A sibling equal to its
// node is refused unless the node is the last of an odd level, paired
// with itself: anywhere else it is the duplication MerkleRoot calls
// mutated, and would let one proof pass at two positions.
func (p MerkleProof) Root(leaf Hash) (Hash, error) {
	if p.Count == 0 || p.Index >= p.Count {
		return Hash{}, fmt.Errorf("%w: leaf %d of %d",
			ErrMerkleProof, p.Index, p.Count)
	}
	if want := merkleDepth(p.Count); len(p.Siblings) != want {
		return Hash{}, fmt.Errorf("%w: %d siblings, a tree of %d leaves needs %d",
			ErrMerkleProof, len(p.Siblings), p.Count, want)
	}
	h, i, n := leaf, uint64(p.Index), uint64(p.Count)
	for level, s := range p.Siblings {
		last := i == n-1 && n%2 == 1
		switch {
		case last && s != h:
			return Hash{}, fmt.Errorf("%w: level %d: the last node's sibling is itself",
				ErrMerkleProof, level)
		case !last && s == h:
			return Hash{}, fmt.Errorf("%w: level %d: a sibling equal to its node",
				ErrMerkleProof, level)
		case i%2 == 1:
			h = merkleParent(s, h)
		default:
			h = merkleParent(h, s)
		}
		i, n = i/2, (n+1)/2
	}
	return h, nil
}

// VerifyMerkleProof says whether the proof puts leaf under root.
func VerifyMerkleProof(leaf Hash, p MerkleProof, root Hash) bool {
	got, err := p.Root(leaf)
	return err == nil && got == root
}

// docs:end merkle-proof

// merkleDepth is how many levels a tree of n leaves has above them.
func merkleDepth(n uint32) int {
	depth := 0
	for m := uint64(n); m > 1; m = (m + 1) / 2 {
		depth++
	}
	return depth
}
