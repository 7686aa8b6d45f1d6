package blocks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chapter "peerchain/chapters/08-blocks"
	"peerchain/tools/exercise"
)

// Bitcoin's block 100000: its four transactions' ids and its merkle
// root, in the reversed hex explorers and Bitcoin Core show.
var (
	mrBlock100000 = []string{
		"8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
		"fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
		"6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
		"e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
	}
	mrRoot100000 = "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"
)

// mrParse reads hashes written in reversed hex.
func mrParse(t testing.TB, hexes ...string) []chapter.Hash {
	t.Helper()
	out := make([]chapter.Hash, len(hexes))
	for i, s := range hexes {
		h, err := chapter.ParseHash(s)
		require.NoError(t, err)
		out[i] = h
	}
	return out
}

// mrLeaf is a made-up leaf: the double SHA-256 of a name.
func mrLeaf(name string) chapter.Hash { return chapter.DoubleSHA256([]byte(name)) }

// mrParent is SHA-256d of left's bytes then right's, written out here
// so that the rows say what they expect.
func mrParent(left, right chapter.Hash) chapter.Hash {
	return chapter.DoubleSHA256(append(left[:], right[:]...))
}

// mrRow is one tree: its leaves, and the root and mutation flag
// Bitcoin gives it.
type mrRow struct {
	name        string
	leaves      []chapter.Hash
	wantRoot    chapter.Hash
	wantMutated bool
}

// mrRows are the trees every MerkleRoot must get right.
func mrRows(t testing.TB) []mrRow {
	a, b, c, d, e, f := mrLeaf("a"), mrLeaf("b"), mrLeaf("c"), mrLeaf("d"), mrLeaf("e"), mrLeaf("f")
	ab, cd, ef := mrParent(a, b), mrParent(c, d), mrParent(e, f)
	abcd := mrParent(ab, cd)
	txs := mrParse(t, mrBlock100000...)
	root100000 := mrParse(t, mrRoot100000)[0]
	t1, t2, t3 := txs[0], txs[1], txs[2]
	root3 := mrParent(mrParent(t1, t2), mrParent(t3, t3))
	return []mrRow{
		{name: "no leaves: the zero hash"},
		{name: "one leaf is its own root", leaves: []chapter.Hash{a}, wantRoot: a},
		{name: "two leaves: SHA-256d of left then right", leaves: []chapter.Hash{a, b}, wantRoot: ab},
		{name: "Bitcoin block 100000", leaves: txs, wantRoot: root100000},
		{name: "three leaves: the last paired with itself", leaves: []chapter.Hash{a, b, c},
			wantRoot: mrParent(ab, mrParent(c, c))},
		{name: "five leaves: odd at two levels", leaves: []chapter.Hash{a, b, c, d, e},
			wantRoot: mrParent(abcd, mrParent(mrParent(e, e), mrParent(e, e)))},
		{name: "six leaves: odd one level up", leaves: []chapter.Hash{a, b, c, d, e, f},
			wantRoot: mrParent(abcd, mrParent(ef, ef))},
		// CVE-2012-2459: the duplicate has the valid tree's root.
		{name: "block 100000's first three txids", leaves: []chapter.Hash{t1, t2, t3}, wantRoot: root3},
		{name: "the same three with the last duplicated: one root, mutated",
			leaves: []chapter.Hash{t1, t2, t3, t3}, wantRoot: root3, wantMutated: true},
		{name: "two equal leaves: mutated", leaves: []chapter.Hash{a, a}, wantRoot: mrParent(a, a), wantMutated: true},
		{name: "the last two of six duplicated: mutated one level up",
			leaves:   []chapter.Hash{a, b, c, d, e, f, e, f},
			wantRoot: mrParent(abcd, mrParent(ef, ef)), wantMutated: true},
		{name: "equal neighbours that are not a pair: not mutated",
			leaves: []chapter.Hash{a, b, b, c}, wantRoot: mrParent(ab, mrParent(b, c))},
	}
}

// mrFunc is a MerkleRoot, the learner's or a wrong one.
type mrFunc func([]chapter.Hash) (chapter.Hash, bool)

// problems is what root does wrong on the row.
func (row mrRow) problems(root mrFunc) []string {
	leaves := slices.Clone(row.leaves)
	got, mutated := root(leaves)
	var out []string
	if got != row.wantRoot {
		out = append(out, fmt.Sprintf("root %s, want %s", got, row.wantRoot))
	}
	if mutated != row.wantMutated {
		out = append(out, fmt.Sprintf("mutated %v, want %v", mutated, row.wantMutated))
	}
	if !slices.Equal(leaves, row.leaves) {
		out = append(out, "the caller's leaves were changed")
	}
	return out
}

func TestMerkleRoot(t *testing.T) {
	for _, tt := range mrRows(t) {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			for _, p := range tt.problems(MerkleRoot) {
				assert.Fail(t, p)
			}
		})
	}
}

// mrSeeds and mrMaxLeaves shape the seeded trees.
const (
	mrSeeds     = 3
	mrMaxLeaves = 40
)

// TestMerkleRoot_Chapter: on seeded trees of every size up to
// mrMaxLeaves, some with their tail duplicated, MerkleRoot agrees with
// the chapter's.
func TestMerkleRoot_Chapter(t *testing.T) {
	for seed := uint64(1); seed <= mrSeeds; seed++ {
		r := rand.New(rand.NewPCG(seed, 8))
		for n := 1; n <= mrMaxLeaves; n++ {
			leaves := make([]chapter.Hash, n)
			for i := range leaves {
				leaves[i] = mrLeaf(fmt.Sprint(r.Uint64()))
			}
			if k := r.IntN(n + 1); k > 0 && r.IntN(2) == 0 {
				leaves = append(leaves, leaves[n-k:]...) // a tail twice
			}
			t.Run(fmt.Sprintf("seed %d, %d leaves", seed, len(leaves)), func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				wantRoot, wantMutated := chapter.MerkleRoot(leaves)
				root, mutated := MerkleRoot(leaves)
				assert.Equal(t, wantRoot, root, "root")
				assert.Equal(t, wantMutated, mutated, "mutated")
			})
		}
	}
}

// TestMerkleRoot_Judge checks the rows themselves: each of these
// wrong MerkleRoots must fail the rows named. It runs once you have
// started the exercise.
func TestMerkleRoot_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	MerkleRoot(nil) // skips the test until you start
	var rows []exercise.Row[mrFunc]
	for _, row := range mrRows(t) {
		rows = append(rows, exercise.Row[mrFunc]{Name: row.name,
			Check: func(_ testing.TB, root mrFunc) []string { return row.problems(root) }})
	}
	exercise.Judge(t, rows, mrWrong(0), []exercise.Wrong[mrFunc]{
		{Name: "right then left", Impl: mrWrong(mrRightLeft), MustFail: []string{
			"two leaves: SHA-256d of left then right", "Bitcoin block 100000"}},
		{Name: "the odd one carried up as it is", Impl: mrWrong(mrCarryOdd), MustFail: []string{
			"three leaves: the last paired with itself", "five leaves: odd at two levels"}},
		{Name: "the self-pairing counted as mutation", Impl: mrWrong(mrFlagPadding), MustFail: []string{
			"block 100000's first three txids", "three leaves: the last paired with itself"}},
		{Name: "any equal neighbours counted as mutation", Impl: mrWrong(mrAnyNeighbours), MustFail: []string{
			"equal neighbours that are not a pair: not mutated"}},
		{Name: "mutation looked for in the leaves only", Impl: mrWrong(mrLeavesOnly), MustFail: []string{
			"the last two of six duplicated: mutated one level up"}},
		{Name: "a lone leaf hashed with itself", Impl: mrWrong(mrHashLone), MustFail: []string{
			"one leaf is its own root"}},
		{Name: "the levels built in the caller's slice", Impl: mrInPlace, MustFail: []string{
			"Bitcoin block 100000"}},
	})
}

// The ways mrWrong gets MerkleRoot wrong.
const (
	mrRightLeft = 1 << iota
	mrCarryOdd
	mrFlagPadding
	mrAnyNeighbours
	mrLeavesOnly
	mrHashLone
)

// mrWrong is a MerkleRoot with the mistakes in flags.
func mrWrong(flags int) func([]chapter.Hash) (chapter.Hash, bool) {
	return func(leaves []chapter.Hash) (chapter.Hash, bool) {
		if len(leaves) == 0 {
			return chapter.Hash{}, false
		}
		if len(leaves) == 1 && flags&mrHashLone != 0 {
			return mrParent(leaves[0], leaves[0]), false
		}
		level := slices.Clone(leaves)
		mutated := false
		for depth := 0; len(level) > 1; depth++ {
			step := 2
			if flags&mrAnyNeighbours != 0 {
				step = 1
			}
			for i := 0; i+1 < len(level) && (depth == 0 || flags&mrLeavesOnly == 0); i += step {
				mutated = mutated || level[i] == level[i+1]
			}
			var next []chapter.Hash
			for i := 0; i < len(level); i += 2 {
				switch {
				case i+1 < len(level) && flags&mrRightLeft != 0:
					next = append(next, mrParent(level[i+1], level[i]))
				case i+1 < len(level):
					next = append(next, mrParent(level[i], level[i+1]))
				case flags&mrCarryOdd != 0:
					next = append(next, level[i])
				default:
					mutated = mutated || flags&mrFlagPadding != 0
					next = append(next, mrParent(level[i], level[i]))
				}
			}
			level = next
		}
		return level[0], mutated
	}
}

// mrInPlace is right but for one thing: it builds each level in the
// slice it was given, over the caller's leaves.
func mrInPlace(leaves []chapter.Hash) (chapter.Hash, bool) {
	if len(leaves) == 0 {
		return chapter.Hash{}, false
	}
	level, mutated := leaves, false
	for len(level) > 1 {
		for i := 0; i+1 < len(level); i += 2 {
			mutated = mutated || level[i] == level[i+1]
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		for i := range len(level) / 2 {
			level[i] = mrParent(level[2*i], level[2*i+1])
		}
		level = level[:len(level)/2]
	}
	return level[0], mutated
}
