package forkchoice

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// ffTree is the tree the FindFork rows walk:
//
//	g - m1 - m2 - m3 - m4 - m5     the main branch
//	          \         \
//	           s3 - s4   u5        s leaves at m2, u at m4
//	g - t1 - t2 - t3 - t4 - t5 - t6   t leaves at genesis, longer
func ffTree() *handTree {
	return newHandTree().
		add("g", "m1", "m2", "m3", "m4", "m5").
		add("m2", "s3", "s4").
		add("m4", "u5").
		add("g", "t1", "t2", "t3", "t4", "t5", "t6")
}

// ffRow is two tips and the last block they share.
type ffRow struct {
	name string
	a, b string
	want string
}

var ffRows = []ffRow{
	{name: "a block and itself", a: "m3", b: "m3", want: "m3"},
	{name: "genesis and itself", a: "g", b: "g", want: "g"},
	{name: "a below b on one branch: a", a: "m2", b: "m5", want: "m2"},
	{name: "b below a on one branch: b", a: "m5", b: "m2", want: "m2"},
	{name: "genesis and a tip: genesis", a: "g", b: "t6", want: "g"},
	{name: "two children of one block: the parent", a: "m5", b: "u5", want: "m4"},
	{name: "two branches of one height", a: "s4", b: "m4", want: "m2"},
	{name: "a branch of two blocks and one of three", a: "s4", b: "m5", want: "m2"},
	{name: "a branch of three blocks and one of two", a: "m5", b: "s4", want: "m2"},
	{name: "a long branch from genesis and a short one", a: "t6", b: "m3", want: "g"},
	{name: "a short branch and a long one from genesis", a: "s3", b: "t5", want: "g"},
	{name: "side branches of the same branch", a: "u5", b: "s3", want: "m2"},
}

// ffFunc is a FindFork, the learner's or a wrong one.
type ffFunc func(a, b *chapter.Node) *chapter.Node

// check is what find does wrong on the row, if anything.
func (row ffRow) check(find ffFunc) []string {
	tree := ffTree()
	got := find(tree.node(row.a), tree.node(row.b))
	if got != tree.node(row.want) {
		return []string{fmt.Sprintf("FindFork(%s, %s) is %s, want %s",
			row.a, row.b, tree.name(got), row.want)}
	}
	return nil
}

func TestFindFork(t *testing.T) {
	for _, tt := range ffRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			problem := tt.check(FindFork)
			assert.Empty(t, problem)
		})
	}
}

// TestFindFork_Judge checks the rows themselves: each of these wrong
// walks must fail the rows named. It runs once you have started the
// exercise.
func TestFindFork_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	g := newHandTree().node("g")
	FindFork(g, g) // skips the test until you start
	var rows []exercise.Row[ffFunc]
	for _, row := range ffRows {
		rows = append(rows, exercise.Row[ffFunc]{Name: row.name,
			Check: func(_ testing.TB, find ffFunc) []string { return row.check(find) }})
	}
	exercise.Judge(t, rows, ffWrong(0), []exercise.Wrong[ffFunc]{
		{Name: "heights only: the lower tip's height on a's branch", Impl: ffWrong(ffHeightsOnly), MustFail: []string{
			"two branches of one height", "two children of one block: the parent"}},
		{Name: "no levelling: both walked down side by side at once", Impl: ffWrong(ffNoLevel), MustFail: []string{
			"a branch of two blocks and one of three", "a below b on one branch: a"}},
		{Name: "only a levelled to b", Impl: ffWrong(ffLevelAOnly), MustFail: []string{
			"a branch of two blocks and one of three", "a below b on one branch: a"}},
		{Name: "only b levelled to a", Impl: ffWrong(ffLevelBOnly), MustFail: []string{
			"a branch of three blocks and one of two", "b below a on one branch: b"}},
		{Name: "the child of the fork, on a's side", Impl: ffWrong(ffChild), MustFail: []string{
			"two children of one block: the parent", "a long branch from genesis and a short one"}},
		{Name: "the higher tip's parent, walked no further", Impl: ffWrong(ffOneStep), MustFail: []string{
			"side branches of the same branch", "a long branch from genesis and a short one"}},
	})
}

// The ways ffWrong finds the fork wrong.
const (
	ffHeightsOnly = 1 << iota
	ffNoLevel
	ffLevelAOnly
	ffLevelBOnly
	ffChild
	ffOneStep
)

// ffWrong is a FindFork with the mistakes in flags. It stops at nil
// rather than walk off the tree.
func ffWrong(flags int) ffFunc {
	return func(a, b *chapter.Node) *chapter.Node {
		if flags&ffHeightsOnly != 0 {
			for a.Height > b.Height {
				a = a.Parent
			}
			return a
		}
		if flags&ffOneStep != 0 {
			switch {
			case a == b:
				return a
			case a.Height >= b.Height:
				return a.Parent
			default:
				return b.Parent
			}
		}
		for a.Height > b.Height && flags&(ffNoLevel|ffLevelBOnly) == 0 {
			a = a.Parent
		}
		for b.Height > a.Height && flags&(ffNoLevel|ffLevelAOnly) == 0 {
			b = b.Parent
		}
		var childA *chapter.Node
		for a != b && a != nil && b != nil {
			childA = a
			a, b = a.Parent, b.Parent
		}
		if flags&ffChild != 0 && childA != nil {
			return childA
		}
		if a != b {
			return nil
		}
		return a
	}
}
