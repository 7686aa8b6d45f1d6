// Package sync holds the exercises of chapter 11. Each exercise is in a
// file of its own with a stub to replace; the tests say whether it is
// solved. The tasks are in docs/chapters/11-sync.md, section Exercises;
// check your work with `go run ./tools/grade 11`.
//
// Locator (locator.go) describes a chain to a peer in a few hashes:
// one by one from the tip, then steps back that double, genesis last.
// It is graded against the chapter's rows and against the chapter's
// Locator on every chain up to 300 blocks and on one as high as a
// uint64 goes; the rows catch the usual slips: no doubling, doubling
// from the start, genesis missing or twice, doubling one hash early.
//
// Stalling (stalling.go) says which peer stalls the download window,
// if one does. It is not a transcription of the chapter's code: the
// chapter asks the question peer by peer inside its schedule, and the
// answer takes the chapter's idea of a stall whole: the window's first
// block is with one peer while another, with room to fetch and more
// blocks to give, finds nothing left in the window to ask for. Blame
// too soon and a merely slow network loses peer after peer; too late
// and one bad peer holds the whole download.
//
// LabScheduler (scheduler.go) is the chapter's lab: the download's
// chapter.Scheduler, which decides which peer fetches which block of
// the window. It is graded on hand-built rows, then in the chapter's
// simulator, in a node that syncs from four peers: with all four
// honest, with one that never sends a block, with one that is slow,
// and with one whose headers stop short of the tip; every answer it
// gives is checked against the rules (each block once, to a peer that
// has it and has room, only blocks the window wants), and the sync
// must finish, every block in order, within a bound of virtual time.
// `go run ./chapters/11-sync/cmd/ibd -lab` runs the demo on it.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package sync
