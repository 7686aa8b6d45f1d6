package forkchoice

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// labHandTree is the tree the Better and Path rows ask about, the work
// of each block in brackets (genesis' is 1):
//
//	g - a1 - a2 - a3 - a4 - a5       [2 each]: a5 has 11
//	     \    \    \    \
//	      \    \    \    e5          [2]: 11, a tie with a5, seen later
//	       \    \    c4              [2]: 9, a tie with a4
//	        \    b3                  [8]: 13, more than a5, shorter
//	         f2                      [2]
//	g - d1 - d2 - d3 - d4 - d5 - d6  [1 each]: d6 has 7
//	g - h1                           [10]: 11, a tie with a5, shorter
//	g - x1 [2^70 + 1],  g - y1 [2^64 + 5]: past an int64
func labHandTree() *handTree {
	t := newHandTree().add("g", "a1", "a2", "a3", "a4", "a5")
	t.addWork("b3", "a2", big.NewInt(8))
	t.add("a3", "c4").add("a4", "e5").add("a1", "f2")
	for i, p := 1, "g"; i <= 6; i++ {
		name := fmt.Sprintf("d%d", i)
		t.addWork(name, p, big.NewInt(1))
		p = name
	}
	t.addWork("h1", "g", big.NewInt(10))
	t.addWork("x1", "g", new(big.Int).Add(otPow(70), big.NewInt(1)))
	t.addWork("y1", "g", new(big.Int).Add(otPow(64), big.NewInt(5)))
	return t
}

// labBetterRow asks whether candidate should replace current.
type labBetterRow struct {
	name               string
	candidate, current string
	want               bool
}

var labBetterRows = []labBetterRow{
	{name: "Better: more work and longer: yes", candidate: "a5", current: "a3", want: true},
	{name: "Better: more work and shorter: yes", candidate: "b3", current: "a5", want: true},
	{name: "Better: less work and longer: no", candidate: "a5", current: "b3", want: false},
	{name: "Better: less work and shorter: no", candidate: "a3", current: "a5", want: false},
	{name: "Better: less work, longer by far: no", candidate: "d6", current: "a4", want: false},
	{name: "Better: a tie, the candidate seen later: no", candidate: "e5", current: "a5", want: false},
	{name: "Better: a tie, the candidate seen first: no, as it gains no work",
		candidate: "a5", current: "e5", want: false},
	{name: "Better: a tie, the candidate shorter: no", candidate: "h1", current: "a5", want: false},
	{name: "Better: a tie, the candidate longer: no", candidate: "a5", current: "h1", want: false},
	{name: "Better: a tie on another branch, seen later: no", candidate: "c4", current: "a4", want: false},
	{name: "Better: works past an int64, more: yes", candidate: "x1", current: "y1", want: true},
	{name: "Better: works past an int64, less: no", candidate: "y1", current: "x1", want: false},
	{name: "Better: the tip against itself: no", candidate: "a5", current: "a5", want: false},
}

// check is what c's Better gets wrong on the row, if anything.
func (row labBetterRow) check(c chapter.Choice) []string {
	t := labHandTree()
	cand, cur := t.node(row.candidate), t.node(row.current)
	if got := c.Better(cand, cur); got != row.want {
		return []string{fmt.Sprintf("Better(%s of work %v at height %d, %s of work %v at height %d) is %v, want %v",
			row.candidate, cand.Work, cand.Height, row.current, cur.Work, cur.Height, got, row.want)}
	}
	return nil
}

// labPathRow is a Path from one tip to another: the blocks off, from's
// tip first, and the blocks on, lowest first.
type labPathRow struct {
	name     string
	from, to string
	off, on  []string
}

var labPathRows = []labPathRow{
	{name: "Path: a tip to itself: nothing", from: "a5", to: "a5"},
	{name: "Path: genesis to itself: nothing", from: "g", to: "g"},
	{name: "Path: one block on the tip", from: "a4", to: "a5", on: []string{"a5"}},
	{name: "Path: three blocks on the tip", from: "a2", to: "a5", on: []string{"a3", "a4", "a5"}},
	{name: "Path: from genesis", from: "g", to: "a3", on: []string{"a1", "a2", "a3"}},
	{name: "Path: back to an ancestor", from: "a5", to: "a3", off: []string{"a5", "a4"}},
	{name: "Path: to a sibling", from: "a5", to: "e5", off: []string{"a5"}, on: []string{"e5"}},
	{name: "Path: to a shorter branch", from: "a5", to: "b3",
		off: []string{"a5", "a4", "a3"}, on: []string{"b3"}},
	{name: "Path: to a longer branch", from: "b3", to: "a5",
		off: []string{"b3"}, on: []string{"a3", "a4", "a5"}},
	{name: "Path: to a branch of two blocks from a1", from: "a4", to: "f2",
		off: []string{"a4", "a3", "a2"}, on: []string{"f2"}},
	{name: "Path: across genesis, to one block", from: "a5", to: "h1",
		off: []string{"a5", "a4", "a3", "a2", "a1"}, on: []string{"h1"}},
	{name: "Path: across genesis, to six blocks", from: "a3", to: "d6",
		off: []string{"a3", "a2", "a1"}, on: []string{"d1", "d2", "d3", "d4", "d5", "d6"}},
}

// check is what c's Path gets wrong on the row, if anything.
func (row labPathRow) check(c chapter.Choice) []string {
	t := labHandTree()
	off, on := c.Path(t.node(row.from), t.node(row.to))
	gotOff, gotOn := t.list(off), t.list(on)
	wantOff, wantOn := labList(row.off), labList(row.on)
	if gotOff != wantOff || gotOn != wantOn {
		return []string{fmt.Sprintf("Path(%s, %s): off %s, on %s; want off %s, on %s",
			row.from, row.to, gotOff, gotOn, wantOff, wantOn)}
	}
	return nil
}

// labList is names as handTree.list writes them.
func labList(names []string) string { return "[" + strings.Join(names, " ") + "]" }

func TestLabChoice_Better(t *testing.T) {
	for _, tt := range labBetterRows {
		t.Run(strings.TrimPrefix(tt.name, "Better: "), func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(LabChoice{}))
		})
	}
}

func TestLabChoice_Path(t *testing.T) {
	for _, tt := range labPathRows {
		t.Run(strings.TrimPrefix(tt.name, "Path: "), func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(LabChoice{}))
		})
	}
}

// labChecks are every graded row of the lab by name, each a way to
// run a Choice and say what it got wrong: the Better and Path rows,
// the scenarios, and the first of the seeded trees.
func labChecks() map[string]func(chapter.Choice) []string {
	checks := map[string]func(chapter.Choice) []string{}
	for _, row := range labBetterRows {
		checks[row.name] = row.check
	}
	for _, row := range labPathRows {
		checks[row.name] = row.check
	}
	for _, s := range labScenarios() {
		checks["Scenario: "+s.name] = s.run
	}
	checks[labSeededRow] = func(c chapter.Choice) []string {
		problems, _ := labSeeded(1, c)
		return problems
	}
	return checks
}

// TestLabChoice_Judge checks the rows themselves: each of these wrong
// choices must fail the rows named, and the chapter's MostWork pass
// them all. It runs once you have started the lab.
func TestLabChoice_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	g := newHandTree().node("g")
	LabChoice{}.Better(g, g) // skips the test until you start
	checks := labChecks()
	var rows []exercise.Row[chapter.Choice]
	for _, name := range labSortedNames(checks) {
		rows = append(rows, exercise.Row[chapter.Choice]{Name: name,
			Check: func(_ testing.TB, c chapter.Choice) []string { return checks[name](c) }})
	}
	t.Run("the chapter's MostWork passes every row", func(t *testing.T) {
		exercise.PassesEvery(t, rows, chapter.Choice(chapter.MostWork{}))
	})
	exercise.Judge(t, rows, chapter.Choice(labWrong(0)), []exercise.Wrong[chapter.Choice]{
		{Name: "the longest chain", Impl: labWrong(labLongest), MustFail: []string{
			"Better: less work and longer: no", "Better: more work and shorter: yes",
			"Scenario: more work beats more blocks"}},
		{Name: "a tie goes to the newer", Impl: labWrong(labTieToNewer), MustFail: []string{
			"Better: a tie, the candidate seen later: no",
			"Scenario: ties keep the first seen, whatever their length",
			"Scenario: a one-block fork and its end",
			"Scenario: a branch with a coinbase that pays too much is cut", labSeededRow}},
		{Name: "a tie goes to the one seen first", Impl: labWrong(labTieToOlder), MustFail: []string{
			"Better: a tie, the candidate seen first: no, as it gains no work"}},
		{Name: "works compared as int64s", Impl: labWrong(labInt64), MustFail: []string{
			"Better: works past an int64, more: yes"}},
		{Name: "Path with the fork included", Impl: labWrong(labForkIncluded), MustFail: []string{
			"Path: to a sibling", "Scenario: extend the tip",
			"Scenario: a fork deeper than MaxReorgDepth is refused", labSeededRow}},
		{Name: "Path connects from the top down", Impl: labWrong(labConnectDown), MustFail: []string{
			"Path: three blocks on the tip", "Scenario: more work beats more blocks",
			"Scenario: a reorganisation of five blocks rolls the state back", labSeededRow}},
		{Name: "Path disconnects from the fork up", Impl: labWrong(labDisconnectUp), MustFail: []string{
			"Path: to a shorter branch", "Scenario: a reorganisation of five blocks rolls the state back"}},
		{Name: "Path levels only from", Impl: labWrong(labLevelFromOnly), MustFail: []string{
			"Path: three blocks on the tip", "Scenario: extend the tip"}},
		{Name: "the stub: never moves", Impl: labWrong(labStub), MustFail: []string{
			"Better: more work and longer: yes", "Path: one block on the tip", "Scenario: extend the tip"}},
	})
}

// labSortedNames are the checks' names in order.
func labSortedNames(checks map[string]func(chapter.Choice) []string) []string {
	names := make([]string, 0, len(checks))
	for n := range checks {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// The ways labWrong chooses wrong.
const (
	labLongest = 1 << iota
	labTieToNewer
	labTieToOlder
	labInt64
	labForkIncluded
	labConnectDown
	labDisconnectUp
	labLevelFromOnly
	labStub
)

// labWrong is a Choice with the mistakes in flags; with none it is
// MostWork, written out.
type labWrong int

func (w labWrong) Better(candidate, current *chapter.Node) bool {
	switch {
	case w&labStub != 0:
		return false
	case w&labLongest != 0:
		return candidate.Height > current.Height
	case w&labInt64 != 0:
		return candidate.Work.Int64() > current.Work.Int64()
	}
	c := candidate.Work.Cmp(current.Work)
	switch {
	case c == 0 && w&labTieToNewer != 0:
		return candidate.Seq > current.Seq
	case c == 0 && w&labTieToOlder != 0:
		return candidate.Seq < current.Seq
	}
	return c > 0
}

func (w labWrong) Path(from, to *chapter.Node) (disconnect, connect []*chapter.Node) {
	if w&labStub != 0 {
		return nil, nil
	}
	a, b := from, to
	for a.Height > b.Height {
		disconnect = append(disconnect, a)
		a = a.Parent
	}
	for b.Height > a.Height && w&labLevelFromOnly == 0 {
		connect = append(connect, b)
		b = b.Parent
	}
	for a != b && a != nil && b != nil {
		disconnect = append(disconnect, a)
		connect = append(connect, b)
		a, b = a.Parent, b.Parent
	}
	if w&labForkIncluded != 0 && a != nil {
		disconnect = append(disconnect, a)
		connect = append(connect, a)
	}
	if w&labConnectDown == 0 {
		slices.Reverse(connect)
	}
	if w&labDisconnectUp != 0 {
		slices.Reverse(disconnect)
	}
	return disconnect, connect
}
