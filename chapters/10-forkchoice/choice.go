package forkchoice

// docs:begin choice

// Choice is the fork choice: which tip to follow, and how to get there
// from the one followed now. The Tree calls it after every block; the
// chapter's lab is a Choice of your own.
type Choice interface {
	// Better says whether candidate should replace current as the tip.
	Better(candidate, current *Node) bool
	// Path is how to go from one tip to another: the blocks to take
	// off, from's tip first, down to the fork (not included), and the
	// blocks to put on, from just above the fork up to to.
	Path(from, to *Node) (disconnect, connect []*Node)
}

// MostWork is Bitcoin's fork choice: the branch with the most
// cumulative work, and of equal work the one seen first.
type MostWork struct{}

// Better is true when candidate's branch has strictly more work: a tie
// keeps the current tip, which was seen first.
func (MostWork) Better(candidate, current *Node) bool {
	return candidate.Work.Cmp(current.Work) > 0
}

// Path walks from's branch down to the fork, then lists to's branch
// above it in the order it is connected.
func (MostWork) Path(from, to *Node) (disconnect, connect []*Node) {
	fork := FindFork(from, to)
	for n := from; n != fork; n = n.Parent {
		disconnect = append(disconnect, n)
	}
	connect = make([]*Node, to.Height-fork.Height)
	for n := to; n != fork; n = n.Parent {
		connect[n.Height-fork.Height-1] = n
	}
	return disconnect, connect
}

// docs:end choice
