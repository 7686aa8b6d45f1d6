package blocks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// block100000 is Bitcoin block 100,000's transactions' IDs, in the
// reversed hex explorers show, and its header's merkle root.
var (
	block100000 = []string{
		"8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
		"fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
		"6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
		"e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
	}
	block100000Root = "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"
)

// testLeaves are n distinct leaves.
func testLeaves(n int) []Hash {
	leaves := make([]Hash, n)
	for i := range leaves {
		leaves[i] = DoubleSHA256([]byte{byte(i), byte(i >> 8)})
	}
	return leaves
}

func TestMerkleRoot(t *testing.T) {
	var ids []Hash
	for _, s := range block100000 {
		ids = append(ids, mustHash(s))
	}
	abc := testLeaves(3)
	six := testLeaves(6)
	rootOf := func(leaves []Hash) Hash { r, _ := MerkleRoot(leaves); return r }
	tests := []struct {
		name        string
		leaves      []Hash
		want        Hash
		wantMutated bool
	}{
		{name: "Bitcoin block 100000", leaves: ids, want: mustHash(block100000Root)},
		{name: "no leaves: zero", leaves: nil, want: Hash{}},
		{name: "one leaf is the root", leaves: ids[:1], want: ids[0]},
		{name: "two leaves", leaves: ids[:2], want: merkleParent(ids[0], ids[1])},
		{name: "three: the last pairs with itself", leaves: abc,
			want: merkleParent(merkleParent(abc[0], abc[1]), merkleParent(abc[2], abc[2]))},
		{name: "CVE-2012-2459: the last leaf duplicated",
			leaves: append(append([]Hash{}, abc...), abc[2]), want: rootOf(abc), wantMutated: true},
		{name: "CVE-2012-2459: the last two duplicated",
			leaves: append(append([]Hash{}, six...), six[4], six[5]), want: rootOf(six), wantMutated: true},
		{name: "two equal leaves anywhere",
			leaves: []Hash{ids[0], ids[0], ids[1], ids[2]}, want: rootOf([]Hash{ids[0], ids[0], ids[1], ids[2]}),
			wantMutated: true},
		{name: "equal leaves that are not siblings",
			leaves: []Hash{ids[0], ids[1], ids[0], ids[2]}, want: rootOf([]Hash{ids[0], ids[1], ids[0], ids[2]})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]Hash(nil), tt.leaves...)
			root, mutated := MerkleRoot(tt.leaves)
			assert.Equal(t, tt.want.String(), root.String())
			assert.Equal(t, tt.wantMutated, mutated)
			assert.Equal(t, before, tt.leaves, "the leaves are not changed")
		})
	}
	assert.NotEqual(t, rootOf(ids), rootOf([]Hash{ids[1], ids[0], ids[2], ids[3]}),
		"the order of the leaves matters")
}
