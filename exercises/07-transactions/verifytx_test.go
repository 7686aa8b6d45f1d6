package transactions

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	chapter "peerchain/chapters/07-transactions"
	"peerchain/tools/exercise"
)

// testChain is the network every test node is on.
var testChain = wire.DevNet

// testKey is a key made from a fixed seed, with its raw private half,
// so that a test can sign what Tx.Sign would not.
type testKey struct {
	key  chapter.Key
	priv ed25519.PrivateKey
}

func newTestKey(b byte) testKey {
	var seed [ed25519.SeedSize]byte
	for i := range seed {
		seed[i] = b
	}
	return testKey{key: chapter.KeyFromSeed(seed), priv: ed25519.NewKeyFromSeed(seed[:])}
}

var (
	alice = newTestKey(1) // has 1,000 after three transactions: her next nonce is 3
	bob   = newTestKey(2) // has received 30 and never spent: his next nonce is 0
	carol = newTestKey(3) // has nothing
)

// testState is a fresh state: alice funded with 1,033, then her
// transactions 0, 1 and 2, each paying bob 10 with a fee of 1.
func testState(t testing.TB) *chapter.State {
	t.Helper()
	st := chapter.NewState(testChain, map[chapter.Address]uint64{alice.key.Address(): 1033})
	for nonce := range uint64(3) {
		tx := &chapter.Tx{Chain: testChain, To: bob.key.Address(), Amount: 10, Fee: 1, Nonce: nonce}
		tx.Sign(alice.key)
		require.NoError(t, tx.Check(testChain))
		_, err := st.Apply(tx)
		require.NoError(t, err)
	}
	require.Equal(t, chapter.Account{Balance: 1000, Nonce: 3}, st.Account(alice.key.Address()))
	return st
}

// aliceNext is alice's next transaction, valid on testState, before it
// is signed.
func aliceNext() *chapter.Tx {
	return &chapter.Tx{Chain: testChain, To: bob.key.Address(), Amount: 100, Fee: 2, Nonce: 3, Memo: []byte("rent")}
}

// encode is tx's encoding; the test fails if it has none.
func encode(t testing.TB, tx *chapter.Tx) []byte {
	t.Helper()
	b, err := tx.Bytes()
	require.NoError(t, err)
	return b
}

// ruleCodes are every rule a transaction can break.
var ruleCodes = []chapter.RuleCode{
	chapter.ErrBadSignature, chapter.ErrWrongChain, chapter.ErrZeroAmount,
	chapter.ErrOverflow, chapter.ErrNonceReused, chapter.ErrNonceSkipped,
	chapter.ErrInsufficient, chapter.ErrMemoSize,
}

// verifyTxTest is one transaction a peer sends: tx is what was meant,
// edit what happened to it after it was signed, raw its bytes when they
// are not an encoding of a Tx at all.
type verifyTxTest struct {
	name    string
	tx      func() *chapter.Tx // signed; nil when raw is set
	edit    func(tx *chapter.Tx)
	raw     func(t testing.TB) []byte
	wantErr error // nil: valid
}

// signedBy is alice's next transaction, edited, then signed by k: Sign
// makes k's key its sender too.
func signedBy(k testKey, edit func(tx *chapter.Tx)) func() *chapter.Tx {
	return func() *chapter.Tx {
		tx := aliceNext()
		if edit != nil {
			edit(tx)
		}
		tx.Sign(k.key)
		return tx
	}
}

// verifyTxTests are the rows of TestVerifyTx, also the seeds of
// FuzzVerifyTx.
func verifyTxTests() []verifyTxTest {
	byAlice := func(edit func(tx *chapter.Tx)) func() *chapter.Tx { return signedBy(alice, edit) }
	return []verifyTxTest{
		{name: "valid", tx: byAlice(nil)},
		{name: "valid without a memo", tx: byAlice(func(tx *chapter.Tx) { tx.Memo = nil })},
		{name: "valid without a fee", tx: byAlice(func(tx *chapter.Tx) { tx.Fee = 0 })},
		{name: "valid, spending the whole balance", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = 990, 10 })},
		{name: "valid, a first transaction", tx: signedBy(bob, func(tx *chapter.Tx) {
			tx.To, tx.Amount, tx.Fee, tx.Nonce = alice.key.Address(), 25, 5, 0
		})},

		{name: "no bytes", raw: func(testing.TB) []byte { return nil }, wantErr: chapter.ErrDecode},
		{name: "a byte short", raw: func(t testing.TB) []byte {
			b := encode(t, signedBy(alice, nil)())
			return b[:len(b)-1]
		}, wantErr: chapter.ErrDecode},
		{name: "a byte left over", raw: func(t testing.TB) []byte {
			return append(encode(t, signedBy(alice, nil)()), 0)
		}, wantErr: chapter.ErrDecode},
		{name: "a memo over MaxMemo", raw: func(t testing.TB) []byte {
			b := encode(t, signedBy(alice, func(tx *chapter.Tx) { tx.Memo = nil })())
			var long bytes.Buffer
			long.Write(b[:len(b)-1-ed25519.SignatureSize]) // the fields before the memo
			require.NoError(t, wire.WriteCompactSize(&long, chapter.MaxMemo+1))
			long.Write(bytes.Repeat([]byte{'x'}, chapter.MaxMemo+1))
			long.Write(b[len(b)-ed25519.SignatureSize:])
			return long.Bytes()
		}, wantErr: chapter.ErrDecode},

		{name: "wrong chain", tx: byAlice(func(tx *chapter.Tx) { tx.Chain = wire.MainNet }),
			wantErr: chapter.ErrWrongChain},
		// Two rules broken: the comparison of four bytes comes before
		// the signature's arithmetic.
		{name: "wrong chain and a bad signature", tx: byAlice(func(tx *chapter.Tx) { tx.Chain = wire.TestNet }),
			edit: func(tx *chapter.Tx) { tx.Amount++ }, wantErr: chapter.ErrWrongChain},
		{name: "zero amount", tx: byAlice(func(tx *chapter.Tx) { tx.Amount = 0 }),
			wantErr: chapter.ErrZeroAmount},
		{name: "zero amount and a bad signature", tx: byAlice(func(tx *chapter.Tx) { tx.Amount = 0 }),
			edit: func(tx *chapter.Tx) { tx.Fee++ }, wantErr: chapter.ErrZeroAmount},
		{name: "amount plus fee past 2^64", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = math.MaxUint64, 1 }),
			wantErr: chapter.ErrOverflow},
		// Wrapped around, amount plus fee is 1: it passes the balance.
		{name: "amount plus fee wrapping around to 1", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = math.MaxUint64, 2 }),
			wantErr: chapter.ErrOverflow},
		{name: "amount plus fee exactly 2^64-1", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = math.MaxUint64-7, 7 }),
			wantErr: chapter.ErrInsufficient},

		{name: "signed by another key", tx: func() *chapter.Tx {
			tx := aliceNext()
			tx.From = alice.key.Public()
			id := tx.ID()
			tx.Sig = ed25519.Sign(carol.priv, id[:])
			return tx
		}, wantErr: chapter.ErrBadSignature},
		{name: "amount raised after signing", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.Amount = 900 }, wantErr: chapter.ErrBadSignature},
		{name: "recipient changed after signing", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.To = carol.key.Address() }, wantErr: chapter.ErrBadSignature},
		{name: "memo changed after signing", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.Memo = []byte("rant") }, wantErr: chapter.ErrBadSignature},
		{name: "sender changed after signing", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.From = bob.key.Public() }, wantErr: chapter.ErrBadSignature},
		{name: "a bit of the signature flipped", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.Sig[17] ^= 0x10 }, wantErr: chapter.ErrBadSignature},
		// The signature covers the ID, the hash of the body: a signature
		// of the body's bytes themselves is not the transaction's.
		{name: "signed the body, not the ID", tx: byAlice(nil), edit: func(tx *chapter.Tx) {
			b, _ := tx.Bytes() // the signature at its end is replaced
			tx.Sig = ed25519.Sign(alice.priv, b[:len(b)-ed25519.SignatureSize])
		}, wantErr: chapter.ErrBadSignature},
		// A forgery is reported as one, whatever else is wrong with it.
		{name: "a bad signature and a used nonce", tx: byAlice(func(tx *chapter.Tx) { tx.Nonce = 1 }),
			edit: func(tx *chapter.Tx) { tx.To = carol.key.Address() }, wantErr: chapter.ErrBadSignature},
		{name: "a bad signature and too much spent", tx: byAlice(nil),
			edit: func(tx *chapter.Tx) { tx.Amount = 5000 }, wantErr: chapter.ErrBadSignature},

		{name: "the last nonce used", tx: byAlice(func(tx *chapter.Tx) { tx.Nonce = 2 }),
			wantErr: chapter.ErrNonceReused},
		{name: "the first nonce used", tx: byAlice(func(tx *chapter.Tx) { tx.Nonce = 0 }),
			wantErr: chapter.ErrNonceReused},
		{name: "a nonce skipped", tx: byAlice(func(tx *chapter.Tx) { tx.Nonce = 4 }),
			wantErr: chapter.ErrNonceSkipped},
		{name: "a first transaction with nonce 1", tx: signedBy(bob, func(tx *chapter.Tx) {
			tx.To, tx.Amount, tx.Nonce = alice.key.Address(), 5, 1
		}), wantErr: chapter.ErrNonceSkipped},
		// The nonce says the transaction is stale or early, whatever it
		// spends.
		{name: "a nonce skipped and too much spent", tx: byAlice(func(tx *chapter.Tx) { tx.Nonce, tx.Amount = 5, 5000 }),
			wantErr: chapter.ErrNonceSkipped},
		{name: "one more than the balance", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = 991, 10 }),
			wantErr: chapter.ErrInsufficient},
		{name: "the fee tips it over", tx: byAlice(func(tx *chapter.Tx) { tx.Amount, tx.Fee = 1000, 1 }),
			wantErr: chapter.ErrInsufficient},
		{name: "a sender with nothing", tx: signedBy(carol, func(tx *chapter.Tx) {
			tx.Amount, tx.Fee, tx.Nonce = 1, 0, 0
		}), wantErr: chapter.ErrInsufficient},
	}
}

// bytesOf is what a peer sends for tt: the signed transaction's
// encoding, edited after signing, and the transaction that is.
func (tt verifyTxTest) bytesOf(t testing.TB) ([]byte, *chapter.Tx) {
	t.Helper()
	if tt.raw != nil {
		return tt.raw(t), nil
	}
	tx := tt.tx()
	if tt.edit != nil {
		tt.edit(tx)
	}
	return encode(t, tx), tx
}

// accounts is what the state holds of the test keys, to see that
// VerifyTx changes nothing.
func accounts(st *chapter.State) []chapter.Account {
	return []chapter.Account{
		st.Account(alice.key.Address()), st.Account(bob.key.Address()), st.Account(carol.key.Address()),
	}
}

func TestVerifyTx(t *testing.T) {
	for _, tt := range verifyTxTests() {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			st := testState(t)
			before := accounts(st)
			data, sent := tt.bytesOf(t)
			got, err := VerifyTx(data, testChain, st)
			assert.Equal(t, before, accounts(st), "VerifyTx changed the state")
			if tt.wantErr == nil {
				assert.NoError(t, err)
				assert.Equal(t, sent, got, "the transaction that was signed")
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, got, "a transaction that breaks a rule")
			if tt.wantErr == chapter.ErrDecode {
				return
			}
			assert.NotErrorIs(t, err, chapter.ErrDecode, "the bytes are a transaction")
			for _, code := range ruleCodes {
				if code != tt.wantErr {
					assert.NotErrorIs(t, err, code, "only the first rule broken")
				}
			}
		})
	}
}

// TestVerifyTx_Truncated: a transaction cut short anywhere is not a
// transaction.
func TestVerifyTx_Truncated(t *testing.T) {
	data := encode(t, signedBy(alice, nil)())
	st := testState(t)
	for n := range len(data) {
		t.Run(fmt.Sprintf("%d of %d bytes", n, len(data)), func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			got, err := VerifyTx(data[:n], testChain, st)
			assert.ErrorIs(t, err, chapter.ErrDecode)
			assert.Nil(t, got)
		})
	}
}

// chapterVerdict is what the chapter says of data: ParseTx, Check,
// then Validate, in the order VerifyTx's rules follow.
func chapterVerdict(data []byte, st *chapter.State) (*chapter.Tx, error) {
	tx, err := chapter.ParseTx(data)
	if err != nil {
		return nil, err
	}
	if err := tx.Check(testChain); err != nil {
		return nil, err
	}
	if err := st.Validate(tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// sameVerdict checks that VerifyTx's answer for data is the chapter's.
func sameVerdict(t *testing.T, data []byte, st *chapter.State, got *chapter.Tx, err error) bool {
	t.Helper()
	want, wantErr := chapterVerdict(data, st)
	var rule *chapter.RuleError
	switch {
	case wantErr == nil:
		return assert.NoError(t, err, "%x", data) && assert.Equal(t, want, got, "%x", data)
	case errors.Is(wantErr, chapter.ErrDecode):
		return assert.ErrorIs(t, err, chapter.ErrDecode, "%x", data) && assert.Nil(t, got)
	case errors.As(wantErr, &rule):
		return assert.ErrorIs(t, err, rule.Code, "%x", data) && assert.Nil(t, got)
	}
	return assert.Failf(t, "the chapter's verdict is no rule", "%v", wantErr)
}

// verdictRuns is how many random transactions TestVerifyTx_LikeTheChapter
// checks: each costs a signature and a verification.
const verdictRuns = 400

// TestVerifyTx_LikeTheChapter: on random transactions, signed by random
// keys for random networks, some of them damaged after, the same verdict
// as the chapter's.
func TestVerifyTx_LikeTheChapter(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	r := rand.New(rand.NewPCG(7, 1))
	keys := []testKey{alice, alice, bob, carol}
	pick := func(from ...uint64) uint64 { return from[r.IntN(len(from))] }
	st := testState(t)
	codes := map[string]int{} // how many of each verdict: the mix is worth testing
	for range verdictRuns {
		tx := &chapter.Tx{
			Chain:  [...]wire.Magic{testChain, testChain, testChain, wire.MainNet}[r.IntN(4)],
			To:     keys[r.IntN(len(keys))].key.Address(),
			Amount: pick(0, 1, 100, 999, 1000, 1001, math.MaxUint64),
			Fee:    pick(0, 1, 2, math.MaxUint64),
			Nonce:  pick(0, 1, 2, 3, 3, 3, 4),
		}
		if r.IntN(2) == 0 {
			tx.Memo = []byte("memo")
		}
		tx.Sign(keys[r.IntN(len(keys))].key)
		data := encode(t, tx)
		switch r.IntN(4) {
		case 0: // a byte damaged
			data[r.IntN(len(data))] ^= byte(1 + r.IntN(255))
		case 1: // cut short
			data = data[:r.IntN(len(data))]
		}
		got, err := VerifyTx(data, testChain, st)
		if !sameVerdict(t, data, st, got, err) {
			return
		}
		_, verdict := chapterVerdict(data, st)
		codes[errorName(verdict)]++
	}
	t.Logf("verdicts: %v", codes)
	require.GreaterOrEqual(t, len(codes), 8, "the random transactions break enough kinds of rules: %v", codes)
}

// errorName names a verdict, to count them.
func errorName(err error) string {
	var rule *chapter.RuleError
	switch {
	case err == nil:
		return "valid"
	case errors.As(err, &rule):
		return rule.Code.Error()
	}
	return "malformed"
}

// FuzzVerifyTx: on any bytes VerifyTx does not panic, and its verdict is
// the chapter's.
func FuzzVerifyTx(f *testing.F) {
	for _, tt := range verifyTxTests() {
		data, _ := tt.bytesOf(f)
		f.Add(data)
	}
	st := testState(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		defer exercise.SkipIfNotAttempted(t)
		got, err := VerifyTx(data, testChain, st)
		sameVerdict(t, data, st, got, err)
	})
}
