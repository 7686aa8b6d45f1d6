package blocks

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chapter "peerchain/chapters/08-blocks"
	"peerchain/tools/exercise"
)

// mpRow is one proof to check, and whether it holds.
type mpRow struct {
	name         string
	leaf         chapter.Hash
	index, count uint32
	siblings     []chapter.Hash
	root         chapter.Hash
	want         bool
}

// mpFunc is a VerifyMerkleProof, the learner's or a wrong one.
type mpFunc func(leaf chapter.Hash, index, count uint32, siblings []chapter.Hash, root chapter.Hash) bool

// check is what verify does wrong on the row, if anything.
func (row mpRow) check(verify mpFunc) []string {
	siblings := slices.Clone(row.siblings)
	if got := verify(row.leaf, row.index, row.count, siblings, row.root); got != row.want {
		return []string{fmt.Sprintf("says %v, want %v: leaf %s at index %d of %d, %d siblings",
			got, row.want, row.leaf.Short(), row.index, row.count, len(row.siblings))}
	}
	return nil
}

// mpReversed is h's bytes in the other order: what hex.DecodeString
// gives for a hash copied from an explorer.
func mpReversed(h chapter.Hash) chapter.Hash {
	slices.Reverse(h[:])
	return h
}

// mpClimb is the root a path gives, no rule checked: how the rows with
// made-up siblings get their roots.
func mpClimb(leaf chapter.Hash, index uint64, siblings []chapter.Hash) chapter.Hash {
	h := leaf
	for _, s := range siblings {
		if index%2 == 1 {
			h = mrParent(s, h)
		} else {
			h = mrParent(h, s)
		}
		index /= 2
	}
	return h
}

// mpMaxCount is the most leaves a proof can speak of.
const mpMaxCount = 1<<32 - 1

// mpHuge is a proof in a tree of mpMaxCount leaves: 32 made-up
// siblings, and itself where the leaf is last of its odd level.
func mpHuge(name string, index uint32) mpRow {
	leaf := mrLeaf(name)
	var siblings []chapter.Hash
	h, i, n := leaf, uint64(index), uint64(mpMaxCount)
	for level := 0; n > 1; level++ {
		s := mrLeaf(fmt.Sprintf("%s sibling %d", name, level))
		if i == n-1 && n%2 == 1 {
			s = h
		}
		siblings = append(siblings, s)
		h = mpClimb(h, i, []chapter.Hash{s})
		i, n = i/2, (n+1)/2
	}
	return mpRow{name: name, leaf: leaf, index: index, count: mpMaxCount,
		siblings: siblings, root: h, want: true}
}

// mpRows are the proofs every VerifyMerkleProof must judge right.
func mpRows(t testing.TB) []mpRow {
	txs := mrParse(t, mrBlock100000...)
	t1, t2, t3, t4 := txs[0], txs[1], txs[2], txs[3]
	t12, t34 := mrParent(t1, t2), mrParent(t3, t4)
	root := mrParse(t, mrRoot100000)[0]
	a, b, c, d, e := mrLeaf("a"), mrLeaf("b"), mrLeaf("c"), mrLeaf("d"), mrLeaf("e")
	ab, cd, ee := mrParent(a, b), mrParent(c, d), mrParent(e, e)
	abcd, root3 := mrParent(ab, cd), mrParent(ab, mrParent(c, c))
	root5 := mrParent(abcd, mrParent(ee, ee))
	h := func(hs ...chapter.Hash) []chapter.Hash { return hs }
	return []mpRow{
		{name: "block 100000, tx 0", leaf: t1, index: 0, count: 4, siblings: h(t2, t34), root: root, want: true},
		{name: "block 100000, tx 1: a right child", leaf: t2, index: 1, count: 4, siblings: h(t1, t34), root: root, want: true},
		{name: "block 100000, tx 2", leaf: t3, index: 2, count: 4, siblings: h(t4, t12), root: root, want: true},
		{name: "block 100000, tx 3: right at every level", leaf: t4, index: 3, count: 4, siblings: h(t3, t12), root: root, want: true},
		{name: "block 100000, the root in display byte order", leaf: t1, index: 0, count: 4, siblings: h(t2, t34), root: mpReversed(root)},
		{name: "block 100000, the leaf in display byte order", leaf: mpReversed(t1), index: 0, count: 4, siblings: h(t2, t34), root: root},
		{name: "block 100000, tx 1's proof at index 0", leaf: t2, index: 0, count: 4, siblings: h(t1, t34), root: root},
		{name: "block 100000, tx 1's siblings top first", leaf: t2, index: 1, count: 4, siblings: h(t34, t1), root: root},
		{name: "block 100000, tx 0 with a wrong sibling", leaf: t1, index: 0, count: 4, siblings: h(t3, t34), root: root},
		{name: "block 100000, tx 0 as another tx", leaf: t3, index: 0, count: 4, siblings: h(t2, t34), root: root},
		{name: "block 100000 said to have 5 txs: a sibling short", leaf: t1, index: 0, count: 5, siblings: h(t2, t34), root: root},
		{name: "block 100000 said to have 2 txs: a sibling too many", leaf: t1, index: 0, count: 2, siblings: h(t2, t34), root: root},
		{name: "tx 0's proof at index 4 of 4: past the count", leaf: t1, index: 4, count: 4, siblings: h(t2, t34), root: root},
		{name: "a count of 0", leaf: t1, index: 0, count: 0, siblings: h(t2, t34), root: root},
		{name: "one leaf: no siblings, the leaf is the root", leaf: a, index: 0, count: 1, root: a, want: true},
		{name: "one leaf with a sibling", leaf: a, index: 0, count: 1, siblings: h(a), root: mrParent(a, a)},
		{name: "three leaves, leaf 2: paired with itself", leaf: c, index: 2, count: 3, siblings: h(c, ab), root: root3, want: true},
		{name: "three leaves, leaf 2 with another sibling: four leaves' root",
			leaf: c, index: 2, count: 3, siblings: h(d, ab), root: mrParent(ab, cd)},
		{name: "four leaves, leaf 2: the same siblings hold", leaf: c, index: 2, count: 4, siblings: h(d, ab), root: mrParent(ab, cd), want: true},
		{name: "leaf 2 of [a b c c]: mutated", leaf: c, index: 2, count: 4, siblings: h(c, ab), root: root3},
		{name: "leaf 3 of [a b c c]: mutated", leaf: c, index: 3, count: 4, siblings: h(c, ab), root: root3},
		{name: "five leaves, leaf 4: alone at two levels", leaf: e, index: 4, count: 5, siblings: h(e, ee, abcd), root: root5, want: true},
		{name: "five leaves, leaf 4 with its self-pairings left out", leaf: e, index: 4, count: 5, siblings: h(abcd), root: root5},
		{name: "five leaves, leaf 3", leaf: d, index: 3, count: 5, siblings: h(c, ab, mrParent(ee, ee)), root: root5, want: true},
		mpHuge("2^32-1 leaves, the last: 33 bits for count+1", mpMaxCount-1),
		mpHuge("2^32-1 leaves, the first", 0),
	}
}

func TestVerifyMerkleProof(t *testing.T) {
	for _, tt := range mpRows(t) {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(VerifyMerkleProof))
		})
	}
}

// mpSeeds and mpMaxLeaves shape the seeded trees.
const (
	mpSeeds     = 2
	mpMaxLeaves = 33
)

// mpVariants are a good proof and proofs made from it one change
// away, some of which may still hold: the chapter says which.
func mpVariants(r *rand.Rand, p chapter.MerkleProof, leaf chapter.Hash) map[string]chapter.MerkleProof {
	out := map[string]chapter.MerkleProof{"as built": p}
	with := func(f func(q *chapter.MerkleProof)) chapter.MerkleProof {
		q := p
		q.Siblings = slices.Clone(p.Siblings)
		f(&q)
		return q
	}
	out["index+1"] = with(func(q *chapter.MerkleProof) { q.Index++ })
	out["count+1"] = with(func(q *chapter.MerkleProof) { q.Count++ })
	out["count-1"] = with(func(q *chapter.MerkleProof) { q.Count-- })
	out["count doubled"] = with(func(q *chapter.MerkleProof) { q.Count *= 2 })
	out["a sibling more"] = with(func(q *chapter.MerkleProof) { q.Siblings = append(q.Siblings, leaf) })
	if len(p.Siblings) > 0 {
		k := r.IntN(len(p.Siblings))
		out["a sibling changed"] = with(func(q *chapter.MerkleProof) { q.Siblings[k][r.IntN(chapter.HashSize)] ^= 1 })
		out["a sibling less"] = with(func(q *chapter.MerkleProof) { q.Siblings = q.Siblings[1:] })
		out["a sibling set to the leaf"] = with(func(q *chapter.MerkleProof) { q.Siblings[0] = leaf })
	}
	return out
}

// TestVerifyMerkleProof_Chapter: for every leaf of seeded trees of
// every size up to mpMaxLeaves, the chapter's proof, and proofs one
// change away from it, VerifyMerkleProof agrees with the chapter's.
func TestVerifyMerkleProof_Chapter(t *testing.T) {
	for seed := uint64(1); seed <= mpSeeds; seed++ {
		r := rand.New(rand.NewPCG(seed, 8))
		for n := 1; n <= mpMaxLeaves; n++ {
			leaves := make([]chapter.Hash, n)
			for i := range leaves {
				leaves[i] = mrLeaf(fmt.Sprint(r.Uint64()))
			}
			root, _ := chapter.MerkleRoot(leaves)
			t.Run(fmt.Sprintf("seed %d, %d leaves", seed, n), func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				for i, leaf := range leaves {
					p, err := chapter.BuildMerkleProof(leaves, i)
					require.NoError(t, err)
					variants := mpVariants(r, p, leaf)
					for _, name := range slices.Sorted(maps.Keys(variants)) {
						q := variants[name]
						want := chapter.VerifyMerkleProof(leaf, q, root)
						got := VerifyMerkleProof(leaf, q.Index, q.Count, q.Siblings, root)
						assert.Equal(t, want, got, "leaf %d, proof %s: index %d of %d, %d siblings",
							i, name, q.Index, q.Count, len(q.Siblings))
					}
				}
			})
		}
	}
}

// TestVerifyMerkleProof_Judge checks the rows themselves: each of
// these wrong verifiers must fail the rows named. It runs once you
// have started the exercise.
func TestVerifyMerkleProof_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	VerifyMerkleProof(chapter.Hash{}, 0, 0, nil, chapter.Hash{}) // skips the test until you start
	var rows []exercise.Row[mpFunc]
	for _, row := range mpRows(t) {
		rows = append(rows, exercise.Row[mpFunc]{Name: row.name,
			Check: func(_ testing.TB, verify mpFunc) []string { return row.check(verify) }})
	}
	exercise.Judge(t, rows, mpWrong(0), []exercise.Wrong[mpFunc]{
		{Name: "the sibling always on the right", Impl: mpWrong(mpAlwaysRight), MustFail: []string{
			"block 100000, tx 1: a right child", "block 100000, tx 3: right at every level"}},
		{Name: "the count ignored: as deep as the siblings go", Impl: mpWrong(mpNoCount), MustFail: []string{
			"block 100000 said to have 5 txs: a sibling short",
			"block 100000 said to have 2 txs: a sibling too many",
			"three leaves, leaf 2 with another sibling: four leaves' root"}},
		{Name: "the index not checked against the count", Impl: mpWrong(mpNoIndexCheck), MustFail: []string{
			"tx 0's proof at index 4 of 4: past the count"}},
		{Name: "self-pairings left out of proofs", Impl: mpWrong(mpSkipSelf), MustFail: []string{
			"three leaves, leaf 2: paired with itself", "five leaves, leaf 4: alone at two levels"}},
		{Name: "mutation let through", Impl: mpWrong(mpNoMutation), MustFail: []string{
			"leaf 2 of [a b c c]: mutated", "leaf 3 of [a b c c]: mutated"}},
		{Name: "the computed root reversed before comparing", Impl: mpWrong(mpDisplayRoot), MustFail: []string{
			"block 100000, tx 0", "block 100000, the root in display byte order"}},
		{Name: "level sizes in a uint32", Impl: mpWrong(mpUint32), MustFail: []string{
			"2^32-1 leaves, the last: 33 bits for count+1"}},
	})
}

// The ways mpWrong gets VerifyMerkleProof wrong.
const (
	mpAlwaysRight = 1 << iota
	mpNoCount
	mpNoIndexCheck
	mpSkipSelf
	mpNoMutation
	mpDisplayRoot
	mpUint32
)

// mpWrong is a VerifyMerkleProof with the mistakes in flags.
func mpWrong(flags int) mpFunc {
	return func(leaf chapter.Hash, index, count uint32, siblings []chapter.Hash, root chapter.Hash) bool {
		if flags&mpNoIndexCheck == 0 && index >= count || count == 0 {
			return false
		}
		h, i, n := leaf, uint64(index), uint64(count)
		for _, s := range siblings {
			if n == 1 && flags&mpNoCount == 0 {
				return false
			}
			lastOfOdd := i == n-1 && n%2 == 1
			if lastOfOdd && flags&mpSkipSelf != 0 {
				h, i, n = mrParent(h, h), i/2, (n+1)/2
				lastOfOdd = i == n-1 && n%2 == 1
				if n == 1 {
					return false
				}
			}
			switch {
			case flags&(mpNoCount|mpSkipSelf) == 0 && lastOfOdd && s != h:
				return false
			case flags&(mpNoCount|mpNoMutation) == 0 && !lastOfOdd && s == h:
				return false
			case i%2 == 1 && flags&mpAlwaysRight == 0:
				h = mrParent(s, h)
			default:
				h = mrParent(h, s)
			}
			i = i / 2
			if flags&mpUint32 != 0 {
				n = uint64((uint32(n) + 1) / 2)
			} else {
				n = (n + 1) / 2
			}
		}
		for flags&mpSkipSelf != 0 && n > 1 && i == n-1 && n%2 == 1 {
			h, i, n = mrParent(h, h), i/2, (n+1)/2
		}
		if flags&mpDisplayRoot != 0 {
			h = mpReversed(h)
		}
		return (n == 1 || flags&mpNoCount != 0) && h == root
	}
}
