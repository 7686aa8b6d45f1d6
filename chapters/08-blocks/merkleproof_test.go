package blocks

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMerkleProofs: for every leaf of trees of 1 to 17 leaves, the
// proof gives the tree's root, and fails with a wrong leaf, any wrong
// sibling, any other index, or a count that changes the tree's shape.
func TestMerkleProofs(t *testing.T) {
	for n := 1; n <= 17; n++ {
		leaves := testLeaves(n)
		root, mutated := MerkleRoot(leaves)
		require.False(t, mutated)
		for i := range n {
			t.Run(fmt.Sprintf("%d of %d", i, n), func(t *testing.T) {
				p, err := BuildMerkleProof(leaves, i)
				require.NoError(t, err)
				assert.Equal(t, uint32(i), p.Index)
				assert.Equal(t, uint32(n), p.Count)
				assert.Len(t, p.Siblings, merkleDepth(uint32(n)))
				got, err := p.Root(leaves[i])
				require.NoError(t, err)
				assert.Equal(t, root, got)
				assert.True(t, VerifyMerkleProof(leaves[i], p, root))

				assert.False(t, VerifyMerkleProof(testLeaves(n + 1)[n], p, root), "wrong leaf")
				assert.False(t, VerifyMerkleProof(leaves[i], p, Hash{}), "wrong root")
				for s := range p.Siblings {
					bad := p
					bad.Siblings = append([]Hash(nil), p.Siblings...)
					bad.Siblings[s][0] ^= 1
					assert.False(t, VerifyMerkleProof(leaves[i], bad, root), "sibling %d changed", s)
				}
				for j := range n + 1 {
					if j == i {
						continue
					}
					bad := p
					bad.Index = uint32(j)
					assert.False(t, VerifyMerkleProof(leaves[i], bad, root), "index %d", j)
				}
				for _, count := range []uint32{0, uint32(i), uint32(2 * n)} {
					bad := p
					bad.Count = count
					assert.False(t, VerifyMerkleProof(leaves[i], bad, root), "count %d", count)
				}
				short := p
				short.Siblings = p.Siblings[:len(p.Siblings)/2]
				if len(p.Siblings) > 0 {
					assert.False(t, VerifyMerkleProof(leaves[i], short, root), "siblings left out")
				}
				long := p
				long.Siblings = append(append([]Hash(nil), p.Siblings...), root)
				assert.False(t, VerifyMerkleProof(leaves[i], long, root), "a sibling too many")
			})
		}
	}
}

// TestMerkleProofErrors: proofs that cannot be right whatever the root
// are errors, not roots.
func TestMerkleProofErrors(t *testing.T) {
	leaves := testLeaves(5)
	good, err := BuildMerkleProof(leaves, 4)
	require.NoError(t, err)
	tests := []struct {
		name string
		p    MerkleProof
	}{
		{"no leaves", MerkleProof{}},
		{"index past the count", MerkleProof{Index: 5, Count: 5, Siblings: good.Siblings}},
		{"too few siblings", MerkleProof{Index: 4, Count: 5, Siblings: good.Siblings[:2]}},
		{"too many siblings", MerkleProof{Index: 4, Count: 5, Siblings: append(good.Siblings, Hash{})}},
		{"the last node's sibling is not itself",
			MerkleProof{Index: 4, Count: 5, Siblings: []Hash{leaves[3], good.Siblings[1], good.Siblings[2]}}},
		{"a sibling equal to its node",
			MerkleProof{Index: 3, Count: 5, Siblings: []Hash{leaves[4], good.Siblings[1], good.Siblings[2]}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Root(leaves[4])
			assert.ErrorIs(t, err, ErrMerkleProof)
		})
	}
	for _, index := range []int{-1, 5} {
		_, err := BuildMerkleProof(leaves, index)
		assert.ErrorIs(t, err, ErrMerkleProof, "build for leaf %d", index)
	}
}
