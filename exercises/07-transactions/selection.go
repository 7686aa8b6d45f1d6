//go:build !solution

package transactions

import (
	chapter "peerchain/chapters/07-transactions"
	"peerchain/tools/exercise"
)

// Select is this chapter's lab: the mempool's selection, a
// chapter.SelectFunc, which chooses a block's transactions from the
// pending ones. queues holds each sender's pending transactions in
// nonce order, each valid on top of the ones before it (a Mempool's
// Queues). Return the set that pays the most in fees and that a block
// can hold:
//
//   - from each sender, a prefix of its queue, in nonce order: its
//     third transaction cannot come without its first two;
//   - within limit: at most Count transactions and Bytes bytes of
//     their encodings (Tx.Size); zero is no limit;
//   - with no limit, every transaction, best first: that is how
//     Mempool.Select orders the whole pool.
//
// chapter.GreedySelect is the rule to beat: it takes, again and again,
// the best-paying next transaction of any sender. It never looks past a
// sender's next one, so a parent that pays little holds back its child
// that pays a lot. Bitcoin Core's miner ranks packages instead (a
// transaction with its ancestors, "child pays for parent"), and when a
// package does not fit, it goes on with what comes after. Compare fee
// rates with FeeRate.Cmp, never with floats.
//
// It is graded (selection_test.go) by scenarios, each a real Mempool
// filled through Add: your block must apply to the state in order, fit
// the limit, and pay at least what GreedySelect's does; on the small
// ones it must pay the most any choice of prefixes can (the test finds
// it by brute force), which beats GreedySelect on the package rows. The
// test prints your fees against GreedySelect's. Keep it fast: a pool of
// 50,000 in well under a second (go test -bench Select compares it with
// GreedySelect; nothing is timed in the grade).
func Select(queues [][]*chapter.Tx, limit chapter.Limit) []*chapter.Tx {
	exercise.NotAttempted() // delete this line when you start
	return nil
}
