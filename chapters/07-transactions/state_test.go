package transactions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestNewState: the genesis balances, and nothing for anyone else.
func TestNewState(t *testing.T) {
	alice, bob, carol := fxKey(1).Address(), fxKey(2).Address(), fxKey(3).Address()
	s := NewState(fxChain, map[Address]uint64{alice: 1000, bob: 0, carol: 5})
	assert.Equal(t, fxChain, s.Chain())
	assert.Equal(t, 2, s.Len(), "a zero balance is no account")
	assert.Equal(t, Account{Balance: 1000}, s.Account(alice))
	assert.Equal(t, Account{}, s.Account(bob))
	assert.Equal(t, Account{Balance: 5}, s.Account(carol))
	addrs := s.Addresses()
	require.Len(t, addrs, 2)
	assert.Negative(t, compareAddr(addrs[0], addrs[1]), "sorted")
	assert.ElementsMatch(t, []Address{alice, carol}, addrs)
}

func compareAddr(a, b Address) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

// TestStateApply: each transfer applied changes the two accounts as it
// says, and Revert puts them back; each refused one changes nothing.
func TestStateApply(t *testing.T) {
	alice, bob, carol, dave := fxKey(1), fxKey(2), fxKey(3), fxKey(4)
	genesis := map[Address]uint64{
		alice.Address(): 1000,
		bob.Address():   500,
		carol.Address(): math.MaxUint64 - 5,
	}
	type want struct {
		addr Address
		acc  Account
	}
	tests := []struct {
		name   string
		before []*Tx // applied first
		tx     *Tx
		want   []want
		err    RuleCode
	}{
		{name: "a transfer", tx: fxTx(alice, bob.Address(), 100, 1, 0, ""),
			want: []want{{alice.Address(), Account{Balance: 899, Nonce: 1}}, {bob.Address(), Account{Balance: 600}}}},
		{name: "to a new account", tx: fxTx(alice, dave.Address(), 100, 0, 0, ""),
			want: []want{{alice.Address(), Account{Balance: 900, Nonce: 1}}, {dave.Address(), Account{Balance: 100}}}},
		{name: "to itself: only the fee goes", tx: fxTx(alice, alice.Address(), 100, 3, 0, ""),
			want: []want{{alice.Address(), Account{Balance: 997, Nonce: 1}}}},
		{name: "spends all, exactly", tx: fxTx(alice, bob.Address(), 990, 10, 0, ""),
			want: []want{{alice.Address(), Account{Balance: 0, Nonce: 1}}, {bob.Address(), Account{Balance: 1490}}}},
		{name: "the next nonce",
			before: []*Tx{fxTx(alice, bob.Address(), 10, 0, 0, "")},
			tx:     fxTx(alice, bob.Address(), 10, 0, 1, ""),
			want:   []want{{alice.Address(), Account{Balance: 980, Nonce: 2}}, {bob.Address(), Account{Balance: 520}}}},
		{name: "one unit short", tx: fxTx(alice, bob.Address(), 991, 10, 0, ""), err: ErrInsufficient},
		{name: "the fee is short", tx: fxTx(alice, bob.Address(), 1000, 1, 0, ""), err: ErrInsufficient},
		{name: "a sender with nothing", tx: fxTx(dave, bob.Address(), 1, 0, 0, ""), err: ErrInsufficient},
		{name: "nonce reused",
			before: []*Tx{fxTx(alice, bob.Address(), 10, 0, 0, "")},
			tx:     fxTx(alice, bob.Address(), 20, 0, 0, ""), err: ErrNonceReused},
		{name: "nonce skipped", tx: fxTx(alice, bob.Address(), 10, 0, 1, ""), err: ErrNonceSkipped},
		{name: "the recipient would hold over 2^64", tx: fxTx(alice, carol.Address(), 6, 0, 0, ""), err: ErrOverflow},
		{name: "the recipient at 2^64-1 exactly", tx: fxTx(alice, carol.Address(), 5, 1, 0, ""),
			want: []want{{alice.Address(), Account{Balance: 994, Nonce: 1}}, {carol.Address(), Account{Balance: math.MaxUint64}}}},
		{name: "amount plus fee overflows", tx: fxTx(alice, bob.Address(), math.MaxUint64, 1, 0, ""), err: ErrOverflow},
		{name: "zero amount", tx: fxTx(alice, bob.Address(), 0, 1, 0, ""), err: ErrZeroAmount},
		{name: "wrong chain", err: ErrWrongChain, tx: func() *Tx {
			tx := &Tx{Chain: wire.MainNet, To: bob.Address(), Amount: 1}
			tx.Sign(alice)
			return tx
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewState(fxChain, genesis)
			for _, tx := range tt.before {
				_, err := s.Apply(tx)
				require.NoError(t, err)
			}
			before := fxSnapshot(s)
			validateErr := s.Validate(tt.tx)
			u, err := s.Apply(tt.tx)
			if tt.err != 0 {
				fxAssertRule(t, err, tt.err)
				assert.Equal(t, Undo{}, u)
				assert.Equal(t, before, fxSnapshot(s), "the state is unchanged")
				if tt.err != ErrWrongChain && tt.err != ErrOverflow {
					fxAssertRule(t, validateErr, tt.err) // Validate says the same
				}
				return
			}
			require.NoError(t, err)
			assert.NoError(t, validateErr)
			for _, w := range tt.want {
				assert.Equal(t, w.acc, s.Account(w.addr))
			}
			assert.Equal(t, fxSupply(NewState(fxChain, genesis))-tt.tx.Fee-feesOf(tt.before), fxSupply(s),
				"the fee is burnt")
			s.Revert(u)
			assert.Equal(t, before, fxSnapshot(s), "reverted")
		})
	}
}

func feesOf(txs []*Tx) uint64 {
	var sum uint64
	for _, tx := range txs {
		sum += tx.Fee
	}
	return sum
}

// TestStateApplyRevertSequence: 200 seeded random transfers among 10
// accounts apply one after another, each burning its fee and nothing
// else; reverted newest first, they leave the genesis state exactly.
func TestStateApplyRevertSequence(t *testing.T) {
	const accounts, transfers = 10, 200
	r := rand.New(rand.NewPCG(7, 7))
	keys := make([]Key, accounts)
	genesis := make(map[Address]uint64)
	for i := range keys {
		keys[i] = fxKey(byte(100 + i))
		if i%4 != 3 { // some accounts start empty
			genesis[keys[i].Address()] = 1_000 + r.Uint64N(100_000)
		}
	}
	s := NewState(fxChain, genesis)
	start := fxSnapshot(s)
	supply := fxSupply(s)

	undos := make([]Undo, 0, transfers)
	burnt := uint64(0)
	for step := range transfers {
		from := keys[r.IntN(accounts)]
		acc := s.Account(from.Address())
		if acc.Balance < 2 {
			from = keys[0] // never empty: it pays only what it has left
			for _, k := range keys {
				if s.Account(k.Address()).Balance >= 2 {
					from = k
					break
				}
			}
			acc = s.Account(from.Address())
		}
		require.GreaterOrEqual(t, acc.Balance, uint64(2), "step %d: someone can pay", step)
		fee := r.Uint64N(min(acc.Balance/10, 50) + 1)
		amount := 1 + r.Uint64N(acc.Balance-fee)
		to := keys[r.IntN(accounts)].Address() // sometimes itself
		tx := fxTx(from, to, amount, fee, acc.Nonce, "")
		require.NoError(t, tx.Check(fxChain), "step %d", step)
		u, err := s.Apply(tx)
		require.NoError(t, err, "step %d", step)
		undos = append(undos, u)
		burnt += fee
		assert.Equal(t, supply-burnt, fxSupply(s), "step %d: supply", step)
		assert.Equal(t, acc.Nonce+1, s.Account(from.Address()).Nonce, "step %d: nonce", step)
	}
	require.Len(t, undos, transfers)
	assert.Positive(t, burnt)
	assert.NotEqual(t, start, fxSnapshot(s), "the transfers moved something")

	for i := len(undos) - 1; i >= 0; i-- {
		s.Revert(undos[i])
	}
	assert.Equal(t, NewState(fxChain, genesis).Addresses(), s.Addresses())
	for _, a := range s.Addresses() {
		assert.Equal(t, start[a], s.Account(a))
	}
	assert.Equal(t, start, fxSnapshot(s))
	assert.Equal(t, supply, fxSupply(s))
}
