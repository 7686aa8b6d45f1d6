//go:build !solution

package forkchoice

import (
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// LabChoice is this chapter's lab: the fork choice, a chapter.Choice,
// which says which tip a node follows and how it gets there. The Tree
// does the rest: it keeps the blocks, the orphans and the invalid
// ones, checks the Path you give it, takes blocks off and puts them on
// the chain, rolls the state back, and refuses a reorganisation deeper
// than its MaxReorgDepth.
//
// It is graded (choice_test.go) on rows of hand-built trees, then in a
// real chapter.Tree with your choice in it, fed blocks of chosen bits:
// extending the tip, a one-block fork and its end, ties, a shorter
// branch of more work against a longer one, a reorganisation of five
// blocks whose state must roll back, blocks out of order, a branch
// with a block that breaks a rule of the state, a fork too deep to
// follow; and on seeded trees of random blocks delivered in a random
// order, after each block against a tree run by chapter.MostWork.
// `peerchain devnet --lab 10` puts it in every node's tree.
//
// The rules:
//
//   - Better(candidate, current) says whether candidate should replace
//     current as the tip: the branch with the most cumulative work
//     (Node.Work, a big.Int), never the most blocks. Of equal work the
//     current tip stays: it was seen first, and a reorganisation that
//     gains no work only helps whoever split the network.
//   - Path(from, to) lists the blocks to take off, from first, down to
//     the fork, and those to put on, from just above the fork up to
//     to. The fork itself stays: it is on both branches. Either list
//     may be empty (nil or not).
//
// Your FindFork may help. Write it without chapter.MostWork,
// chapter.FindFork and Node.Ancestor (they are the answer).
type LabChoice struct{}

var _ chapter.Choice = LabChoice{}

// Better implements chapter.Choice.
func (LabChoice) Better(candidate, current *chapter.Node) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}

// Path implements chapter.Choice.
func (LabChoice) Path(from, to *chapter.Node) (disconnect, connect []*chapter.Node) {
	exercise.NotAttempted() // delete this line when you start
	return nil, nil
}
