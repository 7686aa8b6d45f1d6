package transactions

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateCredit: new money lands on the address, past 2^64 it is
// refused and changes nothing, and Revert takes it back, leaving no
// account where there was none.
func TestStateCredit(t *testing.T) {
	miner, rich := fxKey(1).Address(), fxKey(2).Address()
	genesis := map[Address]uint64{rich: math.MaxUint64 - 10}
	tests := []struct {
		name   string
		to     Address
		amount uint64
		want   Account
		err    RuleCode
	}{
		{name: "to a new account", to: miner, amount: 5_000,
			want: Account{Balance: 5_000}},
		{name: "nothing, to a new account", to: miner, amount: 0,
			want: Account{}},
		{name: "up to 2^64-1 exactly", to: rich, amount: 10,
			want: Account{Balance: math.MaxUint64}},
		{name: "past 2^64", to: rich, amount: 11, err: ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewState(fxChain, genesis)
			before := fxSnapshot(s)
			u, err := s.Credit(tt.to, tt.amount)
			if tt.err != 0 {
				fxAssertRule(t, err, tt.err)
				assert.Equal(t, Undo{}, u)
				assert.Equal(t, before, fxSnapshot(s), "unchanged")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.Account(tt.to))
			assert.Equal(t, fxSupply(NewState(fxChain, genesis))+tt.amount, fxSupply(s))
			s.Revert(u)
			assert.Equal(t, before, fxSnapshot(s), "reverted")
		})
	}
}

// TestStateCreditThenApply: a credit and a transfer it pays for revert
// newest first to the state before both, nonce included.
func TestStateCreditThenApply(t *testing.T) {
	alice, bob := fxKey(1), fxKey(2).Address()
	s := NewState(fxChain, nil)
	credit, err := s.Credit(alice.Address(), 100)
	require.NoError(t, err)
	spend, err := s.Apply(fxTx(alice, bob, 60, 4, 0, ""))
	require.NoError(t, err)
	assert.Equal(t, Account{Balance: 36, Nonce: 1}, s.Account(alice.Address()))
	s.Revert(spend)
	assert.Equal(t, Account{Balance: 100}, s.Account(alice.Address()))
	s.Revert(credit)
	assert.Equal(t, 0, s.Len(), "no account left")
}
