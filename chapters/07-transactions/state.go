package transactions

import (
	"math/bits"

	wire "peerchain/chapters/02-wire"
)

// docs:begin state

// Account is what the state knows of an address: its balance, and the
// nonce its next transaction must carry.
type Account struct {
	Balance uint64 `json:"balance"`
	Nonce   uint64 `json:"nonce"`
}

// State is every account with something in it, for one network. The
// zero Account is every other address's.
type State struct {
	chain    wire.Magic
	accounts map[Address]Account
}

// Undo is what Apply changed, to put back: the two accounts as they
// were.
type Undo struct {
	From, To             Address
	FromBefore, ToBefore Account
}

// docs:end state

// NewState is the state of a network at its start: the balances its
// genesis gives (Bitcoin's genesis gives nothing anyone can spend; a
// devnet funds a few wallets so that transfers work before mining).
func NewState(chain wire.Magic, genesis map[Address]uint64) *State {
	s := &State{chain: chain, accounts: make(map[Address]Account, len(genesis))}
	for a, b := range genesis {
		if b > 0 {
			s.accounts[a] = Account{Balance: b}
		}
	}
	return s
}

// Chain is the network the state is of.
func (s *State) Chain() wire.Magic { return s.chain }

// Account is an address's account.
func (s *State) Account(a Address) Account { return s.accounts[a] }

// Len is how many accounts hold a balance or have spent.
func (s *State) Len() int { return len(s.accounts) }

// Addresses are the accounts' addresses, sorted.
func (s *State) Addresses() []Address { return sortedAddresses(s.accounts) }

// docs:begin apply

// Validate says whether tx applies on top of the state: the stateful
// rules (Check is the rest). An account is a running count, so a nonce
// below the next was used and one above it skips.
func (s *State) Validate(tx *Tx) error {
	return validate(s.accounts[tx.Sender()], tx)
}

// validate checks tx against its sender's account.
func validate(from Account, tx *Tx) error {
	switch {
	case tx.Nonce < from.Nonce:
		return ruleError(ErrNonceReused, "nonce %d, next is %d", tx.Nonce, from.Nonce)
	case tx.Nonce > from.Nonce:
		return ruleError(ErrNonceSkipped, "nonce %d, next is %d", tx.Nonce, from.Nonce)
	}
	if tx.Amount == 0 {
		return ruleError(ErrZeroAmount, "")
	}
	cost, carry := bits.Add64(tx.Amount, tx.Fee, 0)
	if carry != 0 {
		return ruleError(ErrOverflow, "amount %d plus fee %d", tx.Amount, tx.Fee)
	}
	if cost > from.Balance {
		return ruleError(ErrInsufficient, "spends %d, has %d", cost, from.Balance)
	}
	return nil
}

// Apply moves tx's amount from its sender to its recipient, burns its
// fee (until chapter 09 pays it to a miner) and counts the sender's
// nonce. It returns what to give Revert to take it back. It applies the
// stateful rules; the signature is Check's.
func (s *State) Apply(tx *Tx) (Undo, error) {
	if tx.Chain != s.chain {
		return Undo{}, ruleError(ErrWrongChain, "signed for %s", wire.NetworkName(tx.Chain))
	}
	from, to := tx.Sender(), tx.To
	u := Undo{From: from, To: to, FromBefore: s.accounts[from], ToBefore: s.accounts[to]}
	if err := validate(u.FromBefore, tx); err != nil {
		return Undo{}, err
	}
	sender := u.FromBefore
	sender.Balance -= tx.Cost()
	sender.Nonce++
	s.set(from, sender)
	recipient := s.accounts[to] // the sender's, after, if it pays itself
	sum, carry := bits.Add64(recipient.Balance, tx.Amount, 0)
	if carry != 0 {
		s.set(from, u.FromBefore)
		return Undo{}, ruleError(ErrOverflow, "%s would hold over 2^64", to)
	}
	recipient.Balance = sum
	s.set(to, recipient)
	return u, nil
}

// Revert takes back what Apply did. Undos must be reverted newest
// first, as a chain rolls back its blocks.
func (s *State) Revert(u Undo) {
	s.set(u.To, u.ToBefore)
	s.set(u.From, u.FromBefore)
}

// docs:end apply

// docs:begin credit

// Credit adds new money to an address: a block's coinbase, which pays
// its miner the reward and the fees its transactions burnt. It returns
// what to give Revert to take it back; past 2^64 it is ErrOverflow and
// changes nothing.
func (s *State) Credit(a Address, amount uint64) (Undo, error) {
	before := s.accounts[a]
	sum, carry := bits.Add64(before.Balance, amount, 0)
	if carry != 0 {
		return Undo{}, ruleError(ErrOverflow, "%s would hold over 2^64", a)
	}
	after := before
	after.Balance = sum
	s.set(a, after)
	return Undo{From: a, To: a, FromBefore: before, ToBefore: before}, nil
}

// docs:end credit

// set stores an account, forgetting it when it is the zero Account.
func (s *State) set(a Address, acc Account) {
	if acc == (Account{}) {
		delete(s.accounts, a)
		return
	}
	s.accounts[a] = acc
}
