//go:build solution

package transactions

import (
	"crypto/ed25519"
	"fmt"
	"math/bits"

	wire "peerchain/chapters/02-wire"
	chapter "peerchain/chapters/07-transactions"
)

// VerifyTx reads a transaction from a peer and applies every rule,
// cheapest first.
func VerifyTx(data []byte, chain wire.Magic,
	st *chapter.State) (*chapter.Tx, error) {
	tx, err := chapter.ParseTx(data)
	if err != nil {
		return nil, err
	}
	if tx.Chain != chain {
		return nil, broken(chapter.ErrWrongChain, "signed for %s, this is %s",
			wire.NetworkName(tx.Chain), wire.NetworkName(chain))
	}
	if tx.Amount == 0 {
		return nil, broken(chapter.ErrZeroAmount, "fee %d for nothing", tx.Fee)
	}
	cost, carry := bits.Add64(tx.Amount, tx.Fee, 0)
	if carry != 0 {
		return nil, broken(chapter.ErrOverflow, "amount %d plus fee %d", tx.Amount, tx.Fee)
	}
	id := tx.ID()
	if !ed25519.Verify(tx.From, id[:], tx.Sig) {
		return nil, broken(chapter.ErrBadSignature, "%s is not signed by %s", id, tx.Sender())
	}
	from := st.Account(tx.Sender())
	switch {
	case tx.Nonce < from.Nonce:
		return nil, broken(chapter.ErrNonceReused, "nonce %d, next is %d", tx.Nonce, from.Nonce)
	case tx.Nonce > from.Nonce:
		return nil, broken(chapter.ErrNonceSkipped, "nonce %d, next is %d", tx.Nonce, from.Nonce)
	}
	if cost > from.Balance {
		return nil, broken(chapter.ErrInsufficient, "%s spends %d, has %d", tx.Sender(), cost, from.Balance)
	}
	return tx, nil
}

// broken is the error of a transaction that breaks a rule.
func broken(code chapter.RuleCode, format string, args ...any) error {
	return &chapter.RuleError{Code: code, Detail: fmt.Sprintf(format, args...)}
}
