package blocks

import (
	"math/bits"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// docs:begin apply

// BlockUndo is what ApplyBlock changed, to put back: each
// transaction's undo, in order, and the coinbase's credit.
type BlockUndo struct {
	Height   uint64
	Hash     Hash
	Txs      []transactions.Undo
	Coinbase transactions.Undo
}

// ApplyBlock applies a block at height to the state: its transactions
// in order, then its coinbase, which may pay at most the subsidy and
// the fees. It applies the stateful rules (CheckBlockSanity is the
// rest) and on any error leaves the state exactly as it was.
func ApplyBlock(s *transactions.State, b *Block, n *Network,
	height uint64) (*BlockUndo, error) {
	if s.Chain() != n.Magic {
		return nil, ruleError(ErrWrongChain, "a state of %s, a block of %s",
			wire.NetworkName(s.Chain()), wire.NetworkName(n.Magic))
	}
	if b.Coinbase.Height != height {
		return nil, ruleError(ErrCoinbaseHeight, "coinbase says %d, block is at %d",
			b.Coinbase.Height, height)
	}
	fees, err := b.Fees()
	if err != nil {
		return nil, err
	}
	u := &BlockUndo{Height: height, Hash: b.Hash(),
		Txs: make([]transactions.Undo, 0, len(b.Txs))}
	for i, tx := range b.Txs {
		tu, err := s.Apply(tx)
		if err != nil {
			revertTxs(s, u.Txs)
			return nil, wrapRule(ErrBadTx, err, "transaction %d", i)
		}
		u.Txs = append(u.Txs, tu)
	}
	limit, carry := bits.Add64(n.SubsidyAt(height), fees, 0)
	if carry == 0 && b.Coinbase.Amount > limit {
		revertTxs(s, u.Txs)
		return nil, ruleError(ErrCoinbaseAmount, "pays %d, may pay %d",
			b.Coinbase.Amount, limit)
	}
	u.Coinbase, err = s.Credit(b.Coinbase.To, b.Coinbase.Amount)
	if err != nil {
		revertTxs(s, u.Txs)
		return nil, wrapRule(ErrCoinbaseAmount, err, "")
	}
	return u, nil
}

// RevertBlock takes back what ApplyBlock did: the coinbase first, then
// the transactions newest first. Blocks are reverted tip first.
func RevertBlock(s *transactions.State, u *BlockUndo) {
	s.Revert(u.Coinbase)
	revertTxs(s, u.Txs)
}

// docs:end apply

// revertTxs reverts undos newest first.
func revertTxs(s *transactions.State, undos []transactions.Undo) {
	for i := len(undos) - 1; i >= 0; i-- {
		s.Revert(undos[i])
	}
}
