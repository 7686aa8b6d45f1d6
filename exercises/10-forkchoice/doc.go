// Package forkchoice holds the exercises of chapter 10. Each exercise
// is in a file of its own with a stub to replace; the tests say whether
// it is solved. The tasks are in docs/chapters/10-forkchoice.md,
// section Exercises; check your work with `go run ./tools/grade 10`.
//
// FindFork (findfork.go) is the last block two branches share, where
// a reorganisation turns. It is graded on a hand-built tree whose rows
// catch the usual slips: comparing heights only, walking two branches
// of different lengths down side by side, stopping one block short.
//
// BlocksToOvertake (overtake.go) is how many blocks of given bits a
// miner must add on a block for the tree to leave its tip for them. It
// is not a transcription of the chapter's code: nothing in the chapter
// computes it, and getting it right takes the chapter's three ideas at
// once: work, not blocks (harder bits need fewer); a tie keeps the tip
// (so a gap that divides exactly needs one block more than it seems);
// and work is a big number (a real gap is past an int64, and a count
// may be past a uint64). A MostWorkTip over a list of tips or a
// CumulativeWork down a branch would be a loop the chapter already
// shows, in MostWork.Better and Tree.Tips or in Node.Work. Chapter 12
// asks the same question of an attacker.
//
// LabChoice (choice.go) is the chapter's lab: the fork choice, a
// chapter.Choice (Better and Path), which picks the tip a node follows
// and the blocks to take off and put on to get there. It is graded on
// rows of Better and Path on a hand-built tree, then inside a real
// chapter.Tree fed blocks of chosen bits: extending the tip, a
// one-block fork and its end, ties, a shorter branch of more work
// against a longer one, a reorganisation of five blocks with the state
// rolled back, blocks out of order, a branch with a coinbase that pays
// too much, a fork too deep to follow; and on seeded random trees,
// block by block against the chapter's MostWork. `peerchain devnet
// --lab 10` puts your LabChoice in every node's tree.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package forkchoice
