// Package pow holds the exercises of chapter 09. Each exercise is in a
// file of its own with a stub to replace; the tests say whether it is
// solved. The tasks are in docs/chapters/09-pow.md, section Exercises;
// check your work with `go run ./tools/grade 09`.
//
// CompactToTarget (compact.go) reads a header's bits, Bitcoin's
// compact form of a target, checked against Bitcoin Core's own cases.
//
// NextWorkRequired (retarget.go) is the chapter's lab: the retarget
// rule, a chapter.RetargetFunc, which gives the bits the next block
// must have. It is graded on real retargets of Bitcoin's main network
// and of signet, on rows of the devnet's params, and on seeded chains
// whose hash rate changes, height by height against the chapter's
// NextWorkRequired; `peerchain devnet --lab 09` makes every node check
// blocks with it.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package pow
