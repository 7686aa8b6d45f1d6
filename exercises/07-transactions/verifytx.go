//go:build !solution

package transactions

import (
	wire "peerchain/chapters/02-wire"
	chapter "peerchain/chapters/07-transactions"
	"peerchain/tools/exercise"
)

// VerifyTx is what a node does with the bytes of a transaction a peer
// sent, before it spends memory or bandwidth on it: it reads them, then
// applies every rule, and returns the transaction, or nil and the first
// rule it breaks. chain is this node's network, st its account state.
//
// Write the checks yourself, without the chapter's tx.Check and
// st.Validate (they are the answer), in this order, the cheap ones
// first:
//
//  1. The bytes are one transaction: chapter.ParseTx. Its error
//     wraps chapter.ErrDecode (and ErrMemoSize for a memo over
//     MaxMemo): return it as it is.
//  2. It was signed for chain: ErrWrongChain.
//  3. It moves something: ErrZeroAmount.
//  4. Amount plus fee fits in a uint64: ErrOverflow. A sum that wraps
//     around is small, and would pass the balance check below.
//  5. Its sender signed it: ed25519.Verify (crypto/ed25519) of tx.Sig
//     by tx.From over tx.ID(), which names every field but the
//     signature: ErrBadSignature. It costs more than all the rest
//     together, so it comes last of the rules that need no state; and
//     before the account's, because a forgery is its peer misbehaving,
//     while a used nonce may be an honest race, and the error is what
//     tells the node which.
//  6. Its nonce is its sender's next, st.Account(tx.Sender()).Nonce:
//     lower is ErrNonceReused, higher ErrNonceSkipped.
//  7. Its sender's balance covers amount plus fee: ErrInsufficient.
//
// Each error wraps its rule's code, so that errors.Is(err,
// chapter.ErrBadSignature) picks it out: return a
// &chapter.RuleError{Code: ..., Detail: ...}, or wrap the code with
// fmt.Errorf("%w: ...", ...). VerifyTx only reads st: applying a
// transaction is a block's job.
func VerifyTx(data []byte, chain wire.Magic,
	st *chapter.State) (*chapter.Tx, error) {
	exercise.NotAttempted() // delete this line when you start
	return nil, nil
}
