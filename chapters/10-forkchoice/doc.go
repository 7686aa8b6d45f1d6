// Package forkchoice is chapter 10: which chain a node follows when
// blocks disagree. Two miners who find a block at nearly the same
// moment make a fork; a partition makes a long one. The node keeps
// every valid block in a tree, each with the work of its whole branch,
// follows the branch with the most work (never the most blocks), and
// when another branch overtakes its own it reorganises: it takes its
// blocks off back to the fork, rolling the state back with their undo
// data, and puts the other branch's on. Blocks whose parent has not
// come yet wait in a bounded orphan pool.
//
// The Tree is chapter 08's Chain for the branch it follows, plus the
// index of every other block; the Choice (the best tip, and the way to
// it) is what the chapter's lab replaces.
package forkchoice
