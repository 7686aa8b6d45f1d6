package transactions

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// mpEnv is one test's world: wallets, their state, a pool on it.
type mpEnv struct {
	w []Key
	s *State
	m *Mempool
}

// mpNewEnv is a pool on a state giving each of n wallets balance.
func mpNewEnv(t testing.TB, cfg MempoolConfig, n int, balance uint64) *mpEnv {
	w := mpWallets(n, 7)
	s := mpState(w, balance)
	return &mpEnv{w: w, s: s, m: mpPool(t, cfg, s)}
}

// mpChainOf is n transactions of from, nonces from first on, each
// costing amount+fee.
func mpChainOf(from Key, first uint64, n int, amount, fee uint64) []*Tx {
	txs := make([]*Tx, n)
	for i := range txs {
		txs[i] = mpTx(from, mpSink, amount, fee, first+uint64(i))
	}
	return txs
}

func TestMempoolAdd(t *testing.T) {
	const balance = 1_000_000
	tests := []struct {
		name    string
		cfg     MempoolConfig
		balance uint64 // of each wallet; 0 is balance
		// prepare fills the pool or moves the state, and returns the
		// transaction to add.
		prepare func(t *testing.T, e *mpEnv) *Tx
		wantErr error
		// check looks at the pool after an accepted transaction.
		check func(t *testing.T, e *mpEnv, tx *Tx, got Added)
	}{
		{
			name: "accepted",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], e.w[1].Address(), 100, 1000, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				a := e.w[0].Address()
				assert.Equal(t, Added{}, got)
				assert.True(t, e.m.Has(tx.ID()))
				gotTx, ok := e.m.Get(tx.ID())
				assert.True(t, ok)
				assert.Same(t, tx, gotTx)
				assert.Equal(t, 1, e.m.Len())
				assert.Equal(t, MinTxSize, e.m.Bytes())
				assert.Equal(t, []*Tx{tx}, e.m.Pending(a))
				assert.Equal(t, uint64(1), e.m.NextNonce(a))
				assert.Equal(t, uint64(balance-1100), e.m.Spendable(a))
				assert.Equal(t, uint64(balance), e.m.Spendable(e.w[1].Address()),
					"money on its way is not spendable")
			},
		},
		{
			name: "already pending",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				tx := mpTx(e.w[0], mpSink, 100, 1000, 0)
				mpAdd(t, e.m, mpT0, tx)
				return tx
			},
			wantErr: ErrKnown,
		},
		{
			name: "signature changed",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				tx := mpTx(e.w[0], mpSink, 100, 1000, 0)
				tx.Sig[0] ^= 1
				return tx
			},
			wantErr: ErrBadSignature,
		},
		{
			name: "amount changed after signing",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				tx := mpTx(e.w[0], mpSink, 100, 1000, 0)
				tx.Amount++
				return tx
			},
			wantErr: ErrBadSignature,
		},
		{
			name: "signed by another key",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				tx := mpTx(e.w[1], mpSink, 100, 1000, 0)
				tx.From = e.w[0].Public()
				return tx
			},
			wantErr: ErrBadSignature,
		},
		{
			name: "signed for another network",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				tx := &Tx{Chain: wire.MainNet, To: mpSink, Amount: 100, Fee: 1000}
				tx.Sign(e.w[0])
				return tx
			},
			wantErr: ErrWrongChain,
		},
		{
			name: "zero amount",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, 0, 1000, 0)
			},
			wantErr: ErrZeroAmount,
		},
		{
			name: "amount and fee past 2^64",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, math.MaxUint64, 1000, 0)
			},
			wantErr: ErrOverflow,
		},
		{
			name: "memo too long",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTxMemo(e.w[0], mpSink, 100, 100_000, 0, MaxMemo+1)
			},
			wantErr: ErrMemoSize,
		},
		{
			name: "fee one under the minimum",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, 100, MinTxSize*DefaultMinFeeRate-1, 0)
			},
			wantErr: ErrFeeTooLow,
		},
		{
			name: "fee at the minimum",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, 100, MinTxSize*DefaultMinFeeRate, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.True(t, e.m.Has(tx.ID()))
			},
		},
		{
			name: "fee one under a higher minimum, with a memo",
			cfg:  MempoolConfig{MinFeeRate: 3},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTxMemo(e.w[0], mpSink, 100, 3*(MinTxSize+10)-1, 0, 10)
			},
			wantErr: ErrFeeTooLow,
		},
		{
			name: "fee at a higher minimum, with a memo",
			cfg:  MempoolConfig{MinFeeRate: 3},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTxMemo(e.w[0], mpSink, 100, 3*(MinTxSize+10), 0, 10)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.True(t, e.m.Has(tx.ID()))
			},
		},
		{
			name: "no minimum takes a zero fee",
			cfg:  MempoolConfig{NoMinFee: true},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, 100, 0, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.True(t, e.m.Has(tx.ID()))
			},
		},
		{
			name: "nonce the state has used",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpApply(t, e.s, mpChainOf(e.w[0], 0, 2, 100, 1000))
				return mpTx(e.w[0], mpSink, 100, 1000, 1)
			},
			wantErr: ErrNonceReused,
		},
		{
			name: "nonce past the state's next",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpApply(t, e.s, mpChainOf(e.w[0], 0, 2, 100, 1000))
				return mpTx(e.w[0], mpSink, 100, 1000, 3)
			},
			wantErr: ErrNonceSkipped,
		},
		{
			name: "nonce after three pending",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1000, 3)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				a := e.w[0].Address()
				assert.Len(t, e.m.Pending(a), 4)
				assert.Same(t, tx, e.m.Pending(a)[3])
				assert.Equal(t, uint64(4), e.m.NextNonce(a))
				assert.Equal(t, uint64(balance-4*1100), e.m.Spendable(a))
			},
		},
		{
			name: "nonce skipping one after three pending",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1000, 4)
			},
			wantErr: ErrNonceSkipped,
		},
		{
			name: "nonce after three pending on a used state",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpApply(t, e.s, mpChainOf(e.w[0], 0, 2, 100, 1000))
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 2, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1000, 5)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.Equal(t, uint64(6), e.m.NextNonce(e.w[0].Address()))
			},
		},
		{
			name: "nonce skipping one after three pending on a used state",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpApply(t, e.s, mpChainOf(e.w[0], 0, 2, 100, 1000))
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 2, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1000, 6)
			},
			wantErr: ErrNonceSkipped,
		},
		{
			name: "nonce the state used, with pending ones",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpApply(t, e.s, mpChainOf(e.w[0], 0, 2, 100, 1000))
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 2, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 101, 5000, 1)
			},
			wantErr: ErrNonceReused,
		},
		{
			name: "nonce a pending one has, at the same fee",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 101, 1000, 1)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name:    "spends more than the balance",
			balance: 10_000,
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				return mpTx(e.w[0], mpSink, 9_001, 1000, 0)
			},
			wantErr: ErrInsufficient,
		},
		{
			name:    "spends more than pending ones leave",
			balance: 10_000,
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 5000, 1000, 0))
				return mpTx(e.w[0], mpSink, 3001, 1000, 1)
			},
			wantErr: ErrInsufficient,
		},
		{
			name:    "spends exactly what pending ones leave",
			balance: 10_000,
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 5000, 1000, 0))
				return mpTx(e.w[0], mpSink, 3000, 1000, 1)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.Zero(t, e.m.Spendable(e.w[0].Address()))
			},
		},
		{
			name: "sender at its limit",
			cfg:  MempoolConfig{MaxPerSender: 3},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1000, 3)
			},
			wantErr: ErrSenderLimit,
		},
		{
			name: "sender at its limit replaces",
			cfg:  MempoolConfig{MaxPerSender: 3},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1100, 2)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.Equal(t, 3, e.m.Len())
				assert.NotNil(t, got.Replaced)
			},
		},
		{
			name: "replacement one under the bump",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1099, 1)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name: "replacement at the bump",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], e.w[1].Address(), 500, 1100, 1)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				a := e.w[0].Address()
				require.NotNil(t, got.Replaced)
				assert.Equal(t, uint64(1000), got.Replaced.Fee)
				assert.Equal(t, uint64(1), got.Replaced.Nonce)
				assert.Empty(t, got.Evicted)
				assert.False(t, e.m.Has(got.Replaced.ID()), "the replaced one is gone")
				assert.True(t, e.m.Has(tx.ID()))
				assert.Equal(t, 3, e.m.Len())
				assert.Equal(t, 3*MinTxSize, e.m.Bytes())
				assert.Same(t, tx, e.m.Pending(a)[1])
				assert.Equal(t, uint64(3), e.m.NextNonce(a))
				assert.Equal(t, uint64(balance-2*1100-1600), e.m.Spendable(a))
			},
		},
		{
			name: "replacement of the last at the bump",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpChainOf(e.w[0], 0, 3, 100, 1000)...)
				return mpTx(e.w[0], mpSink, 100, 1100, 2)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.Same(t, tx, e.m.Pending(e.w[0].Address())[2])
				assert.Equal(t, 3, e.m.Len())
			},
		},
		{
			name: "bump rounds down: one under",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 1009, 0))
				return mpTx(e.w[0], mpSink, 100, 1108, 0)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name: "bump rounds down: at it",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 1009, 0))
				return mpTx(e.w[0], mpSink, 100, 1109, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.NotNil(t, got.Replaced)
			},
		},
		{
			name: "bump of a small fee is one unit: the same fee",
			cfg:  MempoolConfig{NoMinFee: true},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 5, 0))
				return mpTx(e.w[0], mpSink, 101, 5, 0)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name: "bump of a small fee is one unit: one more",
			cfg:  MempoolConfig{NoMinFee: true},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 5, 0))
				return mpTx(e.w[0], mpSink, 100, 6, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.NotNil(t, got.Replaced)
			},
		},
		{
			name: "bump past 2^64",
			cfg:  MempoolConfig{ReplaceBump: 1000},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				e.s.accounts[e.w[0].Address()] = Account{Balance: math.MaxUint64}
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 1, 1<<62, 0))
				return mpTx(e.w[0], mpSink, 1, math.MaxUint64-1, 0)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name: "no bump replaces at the same fee",
			cfg:  MempoolConfig{NoReplaceFee: true},
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 1000, 0))
				return mpTx(e.w[0], mpSink, 101, 1000, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.NotNil(t, got.Replaced)
				assert.Equal(t, []*Tx{tx}, e.m.Pending(e.w[0].Address()))
			},
		},
		{
			name:    "replacement that leaves later ones unpaid",
			balance: 10_000,
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0,
					mpTx(e.w[0], mpSink, 3000, 1000, 0),
					mpTx(e.w[0], mpSink, 3000, 1000, 1),
					mpTx(e.w[0], mpSink, 500, 500, 2))
				return mpTx(e.w[0], mpSink, 4000, 1100, 0)
			},
			wantErr: ErrInsufficient,
		},
		{
			name:    "replacement that leaves later ones exactly paid",
			balance: 10_000,
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0,
					mpTx(e.w[0], mpSink, 3000, 1000, 0),
					mpTx(e.w[0], mpSink, 3000, 1000, 1),
					mpTx(e.w[0], mpSink, 500, 500, 2))
				return mpTx(e.w[0], mpSink, 3900, 1100, 0)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.Zero(t, e.m.Spendable(e.w[0].Address()))
				assert.Len(t, e.m.Pending(e.w[0].Address()), 3)
			},
		},
		{
			name: "replacement with more fee but a lower rate",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 1000, 0))
				return mpTxMemo(e.w[0], mpSink, 100, 1100, 0, 100)
			},
			wantErr: ErrReplaceFee,
		},
		{
			name: "replacement with a memo and no lower a rate",
			prepare: func(t *testing.T, e *mpEnv) *Tx {
				mpAdd(t, e.m, mpT0, mpTx(e.w[0], mpSink, 100, 1000, 0))
				return mpTxMemo(e.w[0], mpSink, 100, 2000, 0, 100)
			},
			check: func(t *testing.T, e *mpEnv, tx *Tx, got Added) {
				assert.NotNil(t, got.Replaced)
				assert.Equal(t, MinTxSize+100, e.m.Bytes())
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			balance := uint64(balance)
			if tt.balance != 0 {
				balance = tt.balance
			}
			e := mpNewEnv(t, tt.cfg, 2, balance)
			tx := tt.prepare(t, e)
			before := mpSnapshot(e.m)
			got, err := e.m.Add(tx, mpT0.Add(time.Minute))
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, Added{}, got)
				assert.Equal(t, before, mpSnapshot(e.m), "a refused tx changes nothing")
			} else {
				require.NoError(t, err)
				tt.check(t, e, tx, got)
			}
			assert.NoError(t, mpCheck(e.m, e.s))
		})
	}
}

func TestMempoolConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  MempoolConfig
		want error
	}{
		{"defaults", MempoolConfig{}, nil},
		{"negative count", MempoolConfig{MaxCount: -1}, ErrMempool},
		{"negative bytes", MempoolConfig{MaxBytes: -1}, ErrMempool},
		{"negative per sender", MempoolConfig{MaxPerSender: -1}, ErrMempool},
		{"bytes under one tx", MempoolConfig{MaxBytes: MaxTxSize - 1}, ErrMempool},
		{"bytes of one tx", MempoolConfig{MaxBytes: MaxTxSize}, nil},
		{"negative age", MempoolConfig{MaxAge: -time.Second}, ErrMempool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMempool(tt.cfg, NewState(mpChain, nil))
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
				assert.Nil(t, m)
				return
			}
			require.NoError(t, err)
			assert.Positive(t, m.cfg.MaxCount)
			assert.GreaterOrEqual(t, m.cfg.MaxBytes, MaxTxSize)
			assert.Equal(t, DefaultMaxAge, m.cfg.MaxAge)
		})
	}
	_, err := NewMempool(MempoolConfig{}, nil)
	assert.ErrorIs(t, err, ErrMempool, "no state")
}

// mpStep is one Add of a bounds test and what it should do.
type mpStep struct {
	tx      *Tx
	evicted []*Tx
	err     error
}

func TestMempoolBounds(t *testing.T) {
	w := mpWallets(8, 11)
	a, b, c, d, e, f := w[0], w[1], w[2], w[3], w[4], w[5]
	// rate is a plain transfer paying r a byte.
	rate := func(k Key, r, nonce uint64) *Tx { return mpRateTx(k, 100, r, nonce, 0) }
	// memo is one 50 bytes bigger: it needs the room of two.
	memo := func(k Key, r, nonce uint64) *Tx { return mpRateTx(k, 100, r, nonce, 50) }
	a2, b3, c4, d5 := rate(a, 2, 0), rate(b, 3, 0), rate(c, 4, 0), rate(d, 5, 0)
	a0r3, a1r2 := rate(a, 3, 0), rate(a, 2, 1)
	// of two tails paying the same, the larger ID goes first
	tieLo, tieHi := rate(e, 2, 0), rate(f, 2, 0)
	if lo, hi := tieLo.ID(), tieHi.ID(); slices.Compare(lo[:], hi[:]) > 0 {
		tieLo, tieHi = tieHi, tieLo
	}
	byCount := MempoolConfig{MaxCount: 4}
	byBytes := MempoolConfig{MaxBytes: 4 * MinTxSize}
	tests := []struct {
		name  string
		cfg   MempoolConfig
		pool  []*Tx
		steps []mpStep
	}{
		{"count: a better rate evicts the lowest", byCount,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(e, 6, 0), evicted: []*Tx{a2}}}},
		{"count: an equal rate is refused", byCount,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(e, 2, 0), err: ErrMempoolFull}}},
		{"count: a worse rate is refused", byCount,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(e, 1, 0), err: ErrMempoolFull}}},
		{"count: its own sender's chain is never evicted", byCount,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(a, 9, 1), evicted: []*Tx{b3}}}},
		{"count: only its own chain to evict", MempoolConfig{MaxCount: 2},
			[]*Tx{a2, rate(a, 3, 1)}, []mpStep{{tx: rate(a, 9, 2), err: ErrMempoolFull}}},
		{"count: a sender's last goes, then its previous", byCount,
			[]*Tx{a0r3, a1r2, c4, d5}, []mpStep{
				{tx: rate(e, 6, 0), evicted: []*Tx{a1r2}},
				{tx: rate(f, 6, 0), evicted: []*Tx{a0r3}},
			}},
		{"count: of equal tails, the larger ID goes", byCount,
			[]*Tx{tieLo, tieHi, c4, d5}, []mpStep{{tx: rate(a, 6, 0), evicted: []*Tx{tieHi}}}},
		{"count: a replacement needs no room", byCount,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(a, 4, 0)}}},
		{"bytes: a better rate evicts the lowest until it fits", byBytes,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: memo(e, 6, 0), evicted: []*Tx{a2, b3}}}},
		{"bytes: a smaller one evicts one", byBytes,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(e, 6, 0), evicted: []*Tx{a2}}}},
		{"bytes: refused when the second victim pays as much", byBytes,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: memo(e, 3, 0), err: ErrMempoolFull}}},
		{"bytes: an equal rate is refused", byBytes,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: rate(e, 2, 0), err: ErrMempoolFull}}},
		{"bytes: its own sender's chain is never evicted", byBytes,
			[]*Tx{a2, b3, c4, d5}, []mpStep{{tx: memo(a, 9, 1), evicted: []*Tx{b3, c4}}}},
		{"bytes: a sender's last goes, then its previous", byBytes,
			[]*Tx{a0r3, a1r2, c4, d5}, []mpStep{{tx: memo(e, 6, 0), evicted: []*Tx{a1r2, a0r3}}}},
		{"bytes: a bigger replacement evicts another", byBytes,
			[]*Tx{d5, a2, b3, c4}, []mpStep{{tx: memo(d, 6, 0), evicted: []*Tx{a2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mpState(w, 1_000_000)
			m := mpPool(t, tt.cfg, s)
			mpAdd(t, m, mpT0, tt.pool...)
			for i, step := range tt.steps {
				before := mpSnapshot(m)
				got, err := m.Add(step.tx, mpT0.Add(time.Minute))
				if step.err != nil {
					assert.ErrorIs(t, err, step.err, "step %d", i)
					assert.Equal(t, before, mpSnapshot(m), "step %d: nothing changes", i)
				} else {
					require.NoError(t, err, "step %d", i)
					assert.Equal(t, mpIDs(step.evicted), mpIDs(got.Evicted), "step %d", i)
					assert.True(t, m.Has(step.tx.ID()))
					for _, v := range step.evicted {
						assert.False(t, m.Has(v.ID()), "step %d: evicted %s", i, v)
					}
				}
				require.NoError(t, mpCheck(m, s), "step %d", i)
			}
		})
	}
}

func TestMempoolExpire(t *testing.T) {
	w := mpWallets(3, 13)
	txs := map[string]*Tx{
		"A0":  mpTx(w[0], mpSink, 100, 1000, 0),
		"A1":  mpTx(w[0], mpSink, 100, 1000, 1),
		"A0'": mpTx(w[0], mpSink, 100, 2000, 0),
		"B0":  mpTx(w[1], mpSink, 100, 1000, 0),
		"C0":  mpTx(w[2], mpSink, 100, 1000, 0),
	}
	type add struct {
		name string
		at   time.Duration
	}
	type expire struct {
		at         time.Duration
		want, left []string
	}
	usual := []add{{"A0", 0}, {"B0", 10 * time.Minute}, {"A1", 20 * time.Minute}, {"C0", 50 * time.Minute}}
	replaced := []add{{"A0", 0}, {"A1", 10 * time.Minute}, {"A0'", 40 * time.Minute}}
	const h = time.Hour
	tests := []struct {
		name    string
		adds    []add
		expires []expire
	}{
		{"nothing younger than MaxAge", usual, []expire{
			{h - time.Nanosecond, nil, []string{"A0", "A1", "B0", "C0"}},
		}},
		{"at MaxAge, the oldest with its sender's later ones", usual, []expire{
			{h, []string{"A0", "A1"}, []string{"B0", "C0"}},
		}},
		{"each in its turn", usual, []expire{
			{h, []string{"A0", "A1"}, []string{"B0", "C0"}},
			{h + 10*time.Minute, []string{"B0"}, []string{"C0"}},
			{h + 49*time.Minute, nil, []string{"C0"}},
			{h + 50*time.Minute, []string{"C0"}, nil},
		}},
		{"everything at once", usual, []expire{
			{2 * h, []string{"A0", "A1", "B0", "C0"}, nil},
		}},
		{"a replaced one does not come back", replaced, []expire{
			{h + 5*time.Minute, nil, []string{"A0'", "A1"}},
			{h + 10*time.Minute, []string{"A1"}, []string{"A0'"}},
			{h + 39*time.Minute, nil, []string{"A0'"}},
			{h + 40*time.Minute, []string{"A0'"}, nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mpState(w, 1_000_000)
			m := mpPool(t, MempoolConfig{}, s)
			for _, a := range tt.adds {
				_, err := m.Add(txs[a.name], mpT0.Add(a.at))
				require.NoError(t, err, a.name)
			}
			for _, x := range tt.expires {
				got := m.Expire(mpT0.Add(x.at))
				var want []*Tx
				for _, n := range x.want {
					want = append(want, txs[n])
				}
				assert.ElementsMatch(t, mpIDs(want), mpIDs(got), "expired at %v", x.at)
				assert.Equal(t, len(x.left), m.Len(), "left at %v", x.at)
				for _, n := range x.left {
					assert.True(t, m.Has(txs[n].ID()), "%s left at %v", n, x.at)
				}
				require.NoError(t, mpCheck(m, s))
			}
			if m.Len() == 0 {
				assert.Zero(t, m.Bytes())
				assert.Empty(t, m.byAge)
				assert.Empty(t, m.tails)
			}
		})
	}
}

// TestMempoolAgeIndexBounded checks that byAge, which forgets removed
// entries lazily, stays proportional to the pool whatever removes them.
func TestMempoolAgeIndexBounded(t *testing.T) {
	tests := []struct {
		name string
		ops  int
		// op changes the pool at step i.
		op func(t *testing.T, e *mpEnv, i int, now time.Time)
	}{
		{"replacements of one", 200, func(t *testing.T, e *mpEnv, i int, now time.Time) {
			mpAdd(t, e.m, now, mpTx(e.w[0], mpSink, uint64(1+i), 1000, 0))
		}},
		{"replacements of many", 200, func(t *testing.T, e *mpEnv, i int, now time.Time) {
			k := e.w[i%len(e.w)]
			mpAdd(t, e.m, now, mpTx(k, mpSink, uint64(1+i), 1000, 0))
		}},
		{"adds and expiries", 200, func(t *testing.T, e *mpEnv, i int, now time.Time) {
			k := e.w[i%len(e.w)]
			mpAdd(t, e.m, now, mpTx(k, mpSink, 1, 1000, e.m.NextNonce(k.Address())))
			e.m.Expire(now)
		}},
		{"a big block reverted into a small pool", 3, func(t *testing.T, e *mpEnv, i int, now time.Time) {
			k := e.w[i%len(e.w)]
			block := mpChainOf(k, e.s.Account(k.Address()).Nonce, 80, 1, 1000)
			undos := mpApply(t, e.s, block)
			e.m.BlockApplied(block)
			mpRevert(e.s, undos)
			before := e.m.Len()
			dropped := e.m.BlockReverted(block, now)
			require.Equal(t, before+len(block)-e.m.cfg.MaxCount, len(dropped))
		}},
		{"evictions", 200, func(t *testing.T, e *mpEnv, i int, now time.Time) {
			k := e.w[i%len(e.w)]
			mpAdd(t, e.m, now, mpTx(k, mpSink, 1, uint64(1000+i), e.m.NextNonce(k.Address())))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := MempoolConfig{NoReplaceFee: true, MaxCount: 6, MaxAge: 3 * time.Second}
			e := mpNewEnv(t, cfg, 6, 1_000_000_000)
			for i := range tt.ops {
				tt.op(t, e, i, mpT0.Add(time.Duration(i)*time.Second))
				require.Less(t, len(e.m.byAge), 2*e.m.Len()+64, "step %d", i)
			}
			assert.NoError(t, mpCheck(e.m, e.s))
		})
	}
}

// mpSim drives a pool with seeded random operations, and checks each
// operation's answer and, after it, every invariant.
type mpSim struct {
	t      *testing.T
	r      *rand.Rand
	w      []Key
	s      *State
	m      *Mempool
	now    time.Time
	blocks [][]*Tx
	undos  [][]Undo
	seen   map[string]int // outcomes, to show that each path ran
}

// wallet is a random wallet.
func (sim *mpSim) wallet() Key { return sim.w[sim.r.IntN(len(sim.w))] }

// recipient is a wallet, or now and then an address nobody spends.
func (sim *mpSim) recipient() Address {
	if sim.r.IntN(5) == 0 {
		return mpSink
	}
	return sim.wallet().Address()
}

// newTx is a signed transfer from k paying a random rate a byte.
func (sim *mpSim) newTx(k Key, amount, nonce uint64) *Tx {
	memo := 0
	if sim.r.IntN(3) == 0 {
		memo = sim.r.IntN(40)
	}
	rate := 1 + sim.r.Uint64N(40)
	return mpTxMemo(k, sim.recipient(), amount, rate*uint64(MinTxSize+memo), nonce, memo)
}

// add offers tx and checks the answer against what the pool held: an
// accepted one is pending and what it displaced is not; a refused one
// changed nothing, and its error is one of allowed.
func (sim *mpSim) add(tx *Tx, allowed ...error) (Added, error) {
	t := sim.t
	before := mpDigestOf(sim.m)
	got, err := sim.m.Add(tx, sim.now)
	if err != nil {
		require.Equal(t, before, mpDigestOf(sim.m), "refused (%v) yet changed", err)
		for _, e := range allowed {
			if errors.Is(err, e) {
				sim.seen[e.Error()]++
				return got, err
			}
		}
		require.Failf(t, "unexpected error", "%s: %v, allowed %v", tx, err, allowed)
	}
	sim.seen["accepted"]++
	require.True(t, sim.m.Has(tx.ID()))
	for _, v := range got.Evicted {
		sim.seen["evicted"]++
		require.False(t, sim.m.Has(v.ID()), "evicted %s pending", v)
		require.NotEqual(t, tx.Sender(), v.Sender(), "evicted its own sender's")
		require.Negative(t, RateOf(v).Cmp(RateOf(tx)), "evicted a better-paying one")
	}
	wantLen := before.Len + 1 - len(got.Evicted)
	if got.Replaced != nil {
		wantLen--
		require.False(t, sim.m.Has(got.Replaced.ID()))
	}
	require.Equal(t, wantLen, sim.m.Len())
	return got, nil
}

// addNext offers a sender's next transaction, within what it can spend.
func (sim *mpSim) addNext() {
	k := sim.wallet()
	a := k.Address()
	spendable := sim.m.Spendable(a)
	tx := sim.newTx(k, 1+sim.r.Uint64N(max(spendable/6, 1)), sim.m.NextNonce(a))
	allowed := []error{ErrMempoolFull, ErrSenderLimit}
	if tx.Cost() > spendable {
		allowed = append(allowed, ErrInsufficient)
	}
	sim.add(tx, allowed...)
}

// replace offers another transaction with a pending one's nonce, at a
// fee around its, and checks the bump rule.
func (sim *mpSim) replace() {
	k := sim.wallet()
	pending := sim.m.Pending(k.Address())
	if len(pending) == 0 {
		sim.addNext()
		return
	}
	old := pending[sim.r.IntN(len(pending))]
	fee := old.Fee*(80+sim.r.Uint64N(60))/100 + sim.r.Uint64N(2)
	memo := sim.r.IntN(2) * sim.r.IntN(40)
	tx := mpTxMemo(k, sim.recipient(), 1+sim.r.Uint64N(2*old.Amount), fee, old.Nonce, memo)
	bumped := tx.Fee >= old.Fee+max(old.Fee*DefaultReplaceBump/100, 1) &&
		RateOf(tx).Cmp(RateOf(old)) >= 0
	allowed := []error{ErrInsufficient, ErrMempoolFull}
	switch {
	case tx.Fee < uint64(tx.Size())*DefaultMinFeeRate:
		// a reverted block may bring back one paying under it
		allowed = []error{ErrFeeTooLow}
	case !bumped:
		allowed = []error{ErrReplaceFee}
	}
	got, err := sim.add(tx, allowed...)
	if err == nil {
		sim.seen["replaced"]++
		require.NotNil(sim.t, got.Replaced)
		require.Equal(sim.t, old.ID(), got.Replaced.ID())
	}
}

// invalid offers a transaction that breaks a rule, and checks that it
// is refused for that rule.
func (sim *mpSim) invalid() {
	k := sim.wallet()
	a := k.Address()
	acc, next := sim.s.Account(a), sim.m.NextNonce(a)
	tx := sim.newTx(k, 1, next)
	var want error
	switch sim.r.IntN(7) {
	case 0:
		tx.Sig[sim.r.IntN(len(tx.Sig))] ^= 1 << sim.r.IntN(8)
		want = ErrBadSignature
	case 1:
		tx.Chain = wire.TestNet
		tx.Sign(k)
		want = ErrWrongChain
	case 2:
		tx.Nonce = next + 1 + sim.r.Uint64N(3)
		tx.Sign(k)
		want = ErrNonceSkipped
	case 3:
		if acc.Nonce == 0 {
			return
		}
		tx.Nonce = sim.r.Uint64N(acc.Nonce)
		tx.Sign(k)
		want = ErrNonceReused
	case 4:
		tx.Fee = uint64(tx.Size())*DefaultMinFeeRate - 1
		tx.Sign(k)
		want = ErrFeeTooLow
	case 5:
		tx.Amount = acc.Balance + 1
		tx.Sign(k)
		want = ErrInsufficient
	default:
		tx.Amount = 0
		tx.Sign(k)
		want = ErrZeroAmount
	}
	if want == ErrInsufficient && sim.m.Len() >= sim.m.cfg.MaxCount {
		return // a full pool may answer ErrSenderLimit first: not this test
	}
	_, err := sim.add(tx, want, ErrSenderLimit)
	require.Error(sim.t, err)
}

// known offers a pending transaction again.
func (sim *mpSim) known() {
	for _, q := range sim.m.Queues() {
		sim.add(q[sim.r.IntN(len(q))], ErrKnown)
		return
	}
}

// expire drops what is too old, and checks that nothing too old stays.
func (sim *mpSim) expire() {
	sim.now = sim.now.Add(time.Duration(sim.r.IntN(60)) * time.Second)
	for _, tx := range sim.m.Expire(sim.now) {
		sim.seen["expired"]++
		require.False(sim.t, sim.m.Has(tx.ID()))
	}
	for _, e := range sim.m.byID {
		require.Less(sim.t, sim.now.Sub(e.added), sim.m.cfg.MaxAge, "%s stays", e.id)
	}
}

// applyBlock makes a block of what Select takes, now and then with a
// transaction the pool never saw that conflicts with a pending one,
// applies it to the state and tells the pool.
func (sim *mpSim) applyBlock() {
	txs := sim.m.Select(Limit{Count: 1 + sim.r.IntN(6)})
	var conflict *Tx
	if sim.r.IntN(3) == 0 {
		k := sim.wallet()
		a := k.Address()
		if !slices.ContainsFunc(txs, func(tx *Tx) bool { return tx.Sender() == a }) {
			if acc := sim.s.Account(a); acc.Balance > 10_000 {
				conflict = mpTx(k, sim.recipient(), 1+sim.r.Uint64N(acc.Balance/2), 10, acc.Nonce)
				txs = append(txs, conflict)
			}
		}
	}
	var conflicted *Tx
	if conflict != nil {
		if p := sim.m.Pending(conflict.Sender()); len(p) > 0 {
			conflicted = p[0]
		}
	}
	undos := mpApply(sim.t, sim.s, txs)
	dropped := sim.m.BlockApplied(txs)
	for _, tx := range append(txs, dropped...) {
		require.False(sim.t, sim.m.Has(tx.ID()), "%s pending after its block", tx)
	}
	if conflicted != nil && conflicted.ID() != conflict.ID() {
		require.Contains(sim.t, mpIDs(dropped), conflicted.ID())
		sim.seen["conflicted"]++
	}
	sim.seen["blocks"]++
	sim.blocks, sim.undos = append(sim.blocks, txs), append(sim.undos, undos)
}

// revertBlock rolls back the last block: its transactions are pending
// again unless the pool could not keep them.
func (sim *mpSim) revertBlock() {
	n := len(sim.blocks)
	if n == 0 {
		sim.applyBlock()
		return
	}
	txs, undos := sim.blocks[n-1], sim.undos[n-1]
	sim.blocks, sim.undos = sim.blocks[:n-1], sim.undos[:n-1]
	mpRevert(sim.s, undos)
	dropped := sim.m.BlockReverted(txs, sim.now)
	out := mpIDs(dropped)
	for _, id := range out {
		require.False(sim.t, sim.m.Has(id))
	}
	for _, tx := range txs {
		require.True(sim.t, sim.m.Has(tx.ID()) || slices.Contains(out, tx.ID()),
			"%s neither pending nor dropped", tx)
	}
	sim.seen["reverted"]++
	if len(dropped) > 0 {
		sim.seen["dropped on revert"]++
	}
}

// TestMempoolProperties runs seeded random sequences of every
// operation on a small pool, checking every invariant after each.
func TestMempoolProperties(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		ops  int
		cfg  MempoolConfig
	}{
		{"count bound", 1, 2500, MempoolConfig{MaxCount: 200, MaxPerSender: 12, MaxAge: 2 * time.Hour}},
		{"byte bound", 2, 1200, MempoolConfig{MaxBytes: 100 * (MinTxSize + 20), MaxPerSender: 12,
			MaxAge: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mpWallets(30, tt.seed)
			s := mpState(w, 1_000_000)
			sim := &mpSim{t: t, r: rand.New(rand.NewPCG(tt.seed, 3)), w: w, s: s,
				m: mpPool(t, tt.cfg, s), now: mpT0, seen: make(map[string]int)}
			ops := []struct {
				name   string
				weight int
				run    func()
			}{
				{"add", 45, sim.addNext},
				{"replace", 14, sim.replace},
				{"invalid", 8, sim.invalid},
				{"known", 2, sim.known},
				{"expire", 8, sim.expire},
				{"apply", 12, sim.applyBlock},
				{"revert", 8, sim.revertBlock},
			}
			total := 0
			for _, op := range ops {
				total += op.weight
			}
			for i := range tt.ops {
				sim.now = sim.now.Add(time.Duration(sim.r.IntN(6)) * time.Second)
				pick := sim.r.IntN(total)
				for _, op := range ops {
					if pick -= op.weight; pick < 0 {
						op.run()
						require.NoError(t, mpCheck(sim.m, s), "seed %d, step %d: %s", tt.seed, i, op.name)
						break
					}
				}
			}
			for _, outcome := range []string{"accepted", "replaced", "evicted", "expired",
				"conflicted", "reverted", "dropped on revert", ErrMempoolFull.Error(),
				ErrReplaceFee.Error(), ErrBadSignature.Error(), ErrKnown.Error()} {
				assert.Positive(t, sim.seen[outcome], "%s never happened: %v", outcome, sim.seen)
			}
		})
	}
}
