package transactions

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testbytes"
)

// rfcTxHex is a transfer signed by RFC 8032's first key (signature
// checked with another ed25519 implementation), field by field.
const rfcTxHex = `
	fc8ed5b6                          # chain: devnet
	d75a980182b10ab7d54bfed3c964073a  # from: RFC 8032 key 1
	0ee172f3daa62325af021a68f707511a
	39f713d0a644253f04529421b9f51b9b  # to: RFC 8032 key 2's address
	08979d08
	e803000000000000                  # amount 1000
	0a00000000000000                  # fee 10
	0700000000000000                  # nonce 7
	02 6869                           # memo "hi"
	ba1adb87ad6ff9704720ecbd6a048bc5  # sig: of the ID, by key 1
	ca5da4cd0d3917c36d015fe4f828c88c
	277a40656af02fc7c689c9aa06056ec4
	bdc0f3446452cefc15dfd2b39ee4fb05`

// rfcTxID is rfcTxHex's ID: the double SHA-256 of its first 83 bytes.
const rfcTxID = "19adae1554b44ea7aa901d382ce25c4290a3e1b15e30db503489c3bd39cb21e1"

// rfcTx is what rfcTxHex decodes to.
func rfcTx() *Tx {
	return &Tx{
		Chain: wire.DevNet, From: testbytes.MustHex(rfc8032Pub1), To: Address(testbytes.MustHex(rfc8032Addr2)),
		Amount: 1000, Fee: 10, Nonce: 7, Memo: []byte("hi"),
		Sig: testbytes.MustHex(`ba1adb87ad6ff9704720ecbd6a048bc5ca5da4cd0d3917c36d015fe4f828c88c
			277a40656af02fc7c689c9aa06056ec4bdc0f3446452cefc15dfd2b39ee4fb05`),
	}
}

// txWireTests are transactions and their encodings, byte for byte.
var txWireTests = []struct {
	name string
	tx   *Tx
	raw  []byte
}{
	{name: "RFC 8032 key pays key 2", tx: rfcTx(), raw: testbytes.MustHex(rfcTxHex)},
	{name: "no memo, main network, unsigned bytes",
		tx: &Tx{Chain: wire.MainNet, From: bytes.Repeat([]byte{0x11}, 32), Amount: 1,
			Sig: bytes.Repeat([]byte{0x22}, 64)},
		raw: testbytes.MustHex(`fec3b0d1` + strings.Repeat("11", 32) + strings.Repeat("00", 20) + `
			0100000000000000 0000000000000000 0000000000000000
			00` + strings.Repeat("22", 64))},
	{name: "memo of 253 bytes, the first with a 3-byte length",
		tx: &Tx{Chain: wire.TestNet, From: bytes.Repeat([]byte{0x33}, 32), To: Address{19: 0x44},
			Amount: math.MaxUint64, Fee: 0x0102030405060708, Nonce: 1 << 63,
			Memo: bytes.Repeat([]byte("m"), 253), Sig: bytes.Repeat([]byte{0x55}, 64)},
		raw: testbytes.MustHex(`fda7c9e3` + strings.Repeat("33", 32) + strings.Repeat("00", 19) + `44
			ffffffffffffffff 0807060504030201 0000000000000080
			fdfd00` + strings.Repeat("6d", 253) + strings.Repeat("55", 64))},
}

// TestTxWire: each transaction encodes to its bytes, and its bytes
// decode to it.
func TestTxWire(t *testing.T) {
	for _, tt := range txWireTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.tx.Bytes()
			require.NoError(t, err)
			assert.Equal(t, hex.EncodeToString(tt.raw), hex.EncodeToString(got))
			assert.Equal(t, len(tt.raw), tt.tx.Size())

			back, err := ParseTx(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.tx, back)
		})
	}
	t.Run("the RFC transfer's ID and signature", func(t *testing.T) {
		tx := rfcTx()
		id := tx.ID()
		assert.Equal(t, rfcTxID, hex.EncodeToString(id[:]))
		assert.NoError(t, tx.Check(wire.DevNet))
		assert.Equal(t, AddressOf(testbytes.MustHex(rfc8032Pub1)), tx.Sender())
		assert.Equal(t, uint64(1010), tx.Cost())
		assert.Contains(t, tx.String(), rfc8032AddrText+" pays "+rfc8032Addr2Txt+" 1000 (fee 10, nonce 7)")
	})
	t.Run("decoding does not share the input's memory", func(t *testing.T) {
		raw := testbytes.MustHex(rfcTxHex)
		tx, err := ParseTx(raw)
		require.NoError(t, err)
		clear(raw)
		assert.Equal(t, rfcTx(), tx)
	})
}

// TestTxWireErrors: cut anywhere, a transaction is a short read; a
// writer that fails anywhere fails Encode.
func TestTxWireErrors(t *testing.T) {
	for _, tt := range txWireTests {
		t.Run(tt.name, func(t *testing.T) {
			for n := range len(tt.raw) {
				tx, err := ParseTx(tt.raw[:n])
				assert.Nil(t, tx, "cut at %d", n)
				assert.ErrorIs(t, err, ErrDecode, "cut at %d", n)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", n)

				var d Tx
				assert.ErrorIs(t, d.Decode(bytes.NewReader(tt.raw[:n])), io.ErrUnexpectedEOF, "Decode cut at %d", n)

				w := &testbytes.FailWriter{Budget: n}
				assert.ErrorIs(t, tt.tx.Encode(w), testbytes.ErrWrite, "write fails at %d", n)
				assert.Equal(t, hex.EncodeToString(tt.raw[:n]), hex.EncodeToString(w.Buf.Bytes()),
					"written before %d", n)
			}
		})
	}
}

// txRefusedTests are bytes that are not one transaction.
var txRefusedTests = []struct {
	name    string
	raw     []byte
	wantErr error
}{
	{name: "a byte after the signature", raw: append(testbytes.MustHex(rfcTxHex), 0), wantErr: ErrDecode},
	{name: "two transactions", raw: append(testbytes.MustHex(rfcTxHex), testbytes.MustHex(rfcTxHex)...), wantErr: ErrDecode},
	{name: "memo of 257 bytes, none sent", raw: testbytes.MustHex(strings.Repeat("00", fixedSize) + "fd0101"),
		wantErr: ErrMemoSize},
	{name: "memo of 4 GiB, none sent", raw: testbytes.MustHex(strings.Repeat("00", fixedSize) + "feffffffff"),
		wantErr: ErrMemoSize},
	{name: "memo of 2^64-1 bytes, none sent", raw: testbytes.MustHex(strings.Repeat("00", fixedSize) + "ffffffffffffffffff"),
		wantErr: ErrMemoSize},
	{name: "memo length in more bytes than it needs",
		raw:     testbytes.MustHex(strings.Repeat("00", fixedSize) + "fd0200 6869" + strings.Repeat("00", 64)),
		wantErr: wire.ErrNonCanonical},
	{name: "longer than any transaction", raw: make([]byte, MaxTxSize+1), wantErr: ErrDecode},
}

// TestParseTxRefused: trailing bytes, oversized memos and non-canonical
// lengths are refused, the memo before a byte of it is read.
func TestParseTxRefused(t *testing.T) {
	for _, tt := range txRefusedTests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := ParseTx(tt.raw)
			assert.Nil(t, tx)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.ErrorIs(t, err, ErrDecode)
		})
	}
}

// TestTxEncodeRefused: Encode refuses what ParseTx would.
func TestTxEncodeRefused(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(tx *Tx)
		wantErr error
	}{
		{name: "memo of 257 bytes", edit: func(tx *Tx) { tx.Memo = make([]byte, MaxMemo+1) }, wantErr: ErrMemoSize},
		{name: "sender key of 31 bytes", edit: func(tx *Tx) { tx.From = tx.From[:31] }, wantErr: ErrDecode},
		{name: "no sender key", edit: func(tx *Tx) { tx.From = nil }, wantErr: ErrDecode},
		{name: "signature of 63 bytes", edit: func(tx *Tx) { tx.Sig = tx.Sig[:63] }, wantErr: ErrDecode},
		{name: "no signature", edit: func(tx *Tx) { tx.Sig = nil }, wantErr: ErrDecode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := rfcTx()
			tt.edit(tx)
			var buf bytes.Buffer
			assert.ErrorIs(t, tx.Encode(&buf), tt.wantErr)
			b, err := tx.Bytes()
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, b)
		})
	}
}

// TestTxSize: Size is the encoding's length, across the memo length's
// change from one byte to three.
func TestTxSize(t *testing.T) {
	tests := []struct {
		memo int
		want int
	}{
		{memo: 0, want: MinTxSize},
		{memo: 1, want: MinTxSize + 1},
		{memo: 252, want: MinTxSize + 252},
		{memo: 253, want: MinTxSize + 2 + 253},
		{memo: 256, want: MaxTxSize},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("memo of %d", tt.memo), func(t *testing.T) {
			tx := fxTx(fxKey(1), fxKey(2).Address(), 5, 1, 0, strings.Repeat("m", tt.memo))
			assert.Equal(t, tt.want, tx.Size())
			assert.Len(t, fxBytes(t, tx), tt.want)
		})
	}
	assert.Equal(t, 4+32+20+3*8+1+64, MinTxSize)
	assert.Equal(t, MinTxSize+wire.CompactSizeLen(MaxMemo)-1+MaxMemo, MaxTxSize)
}

// TestTxID: the ID names the body. A new signature keeps it; any other
// change makes a new one, which the old signature does not sign.
func TestTxID(t *testing.T) {
	base := fxTx(fxKey(1), fxKey(2).Address(), 100, 2, 5, "rent")
	id := base.ID()
	t.Run("the signature is not in the ID", func(t *testing.T) {
		tx := *base
		tx.Sig = bytes.Clone(tx.Sig)
		tx.Sig[10] ^= 1
		assert.Equal(t, id, tx.ID())
		tx.Sig = nil
		assert.Equal(t, id, tx.ID())
		tx.Sign(fxKey(1))
		assert.Equal(t, id, tx.ID(), "signed again")
	})
	tests := []struct {
		name string
		edit func(tx *Tx)
	}{
		{name: "chain", edit: func(tx *Tx) { tx.Chain = wire.MainNet }},
		{name: "from", edit: func(tx *Tx) { tx.From = fxKey(3).Public() }},
		{name: "to", edit: func(tx *Tx) { tx.To[19] ^= 1 }},
		{name: "amount", edit: func(tx *Tx) { tx.Amount++ }},
		{name: "fee", edit: func(tx *Tx) { tx.Fee++ }},
		{name: "nonce", edit: func(tx *Tx) { tx.Nonce++ }},
		{name: "memo byte", edit: func(tx *Tx) { tx.Memo = []byte("renT") }},
		{name: "memo longer", edit: func(tx *Tx) { tx.Memo = []byte("rent!") }},
		{name: "memo gone", edit: func(tx *Tx) { tx.Memo = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := *base
			tx.Memo = bytes.Clone(base.Memo)
			tt.edit(&tx)
			assert.NotEqual(t, id, tx.ID())
			fxAssertRule(t, tx.Check(tx.Chain), ErrBadSignature)
		})
	}
	t.Run("a devnet transfer on the main network", func(t *testing.T) {
		fxAssertRule(t, base.Check(wire.MainNet), ErrWrongChain)
		require.NoError(t, base.Check(wire.DevNet))
	})
	t.Run("an empty memo is no memo", func(t *testing.T) {
		tx := *base
		tx.Memo = nil
		a := tx.ID()
		tx.Memo = []byte{}
		assert.Equal(t, a, tx.ID())
	})
	t.Run("an unencodable transaction has the zero ID", func(t *testing.T) {
		tx := *base
		tx.From = nil
		assert.Zero(t, tx.ID())
	})
}

// TestTxCheck: one row per rule a transaction alone can break.
func TestTxCheck(t *testing.T) {
	alice, bob := fxKey(1), fxKey(2)
	good := func() *Tx { return fxTx(alice, bob.Address(), 100, 1, 0, "hi") }
	resign := func(edit func(tx *Tx)) func() *Tx {
		return func() *Tx {
			tx := good()
			edit(tx)
			tx.Sign(alice)
			return tx
		}
	}
	tests := []struct {
		name string
		tx   func() *Tx
		want RuleCode // 0: passes
	}{
		{name: "good", tx: good},
		{name: "zero fee", tx: resign(func(tx *Tx) { tx.Fee = 0 })},
		{name: "longest memo", tx: resign(func(tx *Tx) { tx.Memo = make([]byte, MaxMemo) })},
		{name: "amount and fee sum to 2^64-1",
			tx: resign(func(tx *Tx) { tx.Amount, tx.Fee = math.MaxUint64-1, 1 })},
		{name: "a bit of the signature flipped", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.Sig[63] ^= 0x01
			return tx
		}},
		{name: "signed by another key", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.Sign(bob)
			tx.From = alice.Public()
			return tx
		}},
		{name: "sender replaced", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.From = bob.Public()
			return tx
		}},
		{name: "another transfer's signature", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.Sig = fxTx(alice, bob.Address(), 101, 1, 0, "hi").Sig
			return tx
		}},
		{name: "wrong chain", want: ErrWrongChain, tx: resign(func(tx *Tx) { tx.Chain = wire.TestNet })},
		{name: "zero amount", want: ErrZeroAmount, tx: resign(func(tx *Tx) { tx.Amount = 0 })},
		{name: "amount plus fee overflows", want: ErrOverflow,
			tx: resign(func(tx *Tx) { tx.Amount, tx.Fee = math.MaxUint64, 1 })},
		{name: "memo of 257 bytes", want: ErrMemoSize, tx: resign(func(tx *Tx) { tx.Memo = make([]byte, MaxMemo+1) })},
		{name: "sender key of 31 bytes", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.From = tx.From[:31]
			return tx
		}},
		{name: "no sender key", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.From = nil
			return tx
		}},
		{name: "signature of 65 bytes", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.Sig = append(tx.Sig, 0)
			return tx
		}},
		{name: "no signature", want: ErrBadSignature, tx: func() *Tx {
			tx := good()
			tx.Sig = nil
			return tx
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tx().Check(fxChain)
			if tt.want == 0 {
				assert.NoError(t, err)
				return
			}
			fxAssertRule(t, err, tt.want)
		})
	}
}

// TestRuleError: a rule error names its rule and its detail, and
// errors.Is finds the rule.
func TestRuleError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
		code RuleCode
	}{
		{name: "with detail", err: ruleError(ErrNonceSkipped, "nonce %d, next is %d", 5, 3),
			want: "nonce skipped: nonce 5, next is 3", code: ErrNonceSkipped},
		{name: "without", err: ruleError(ErrZeroAmount, ""), want: "zero amount", code: ErrZeroAmount},
		{name: "an unknown code", err: &RuleError{Code: 99}, want: "rule 99", code: 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.EqualError(t, tt.err, tt.want)
			fxAssertRule(t, tt.err, tt.code)
			assert.NotErrorIs(t, tt.err, ErrBadSignature)
		})
	}
	t.Run("every rule has a name", func(t *testing.T) {
		for code := ErrBadSignature; code <= ErrMemoSize; code++ {
			assert.NotContains(t, code.Error(), "rule ", "code %d", int(code))
		}
	})
	t.Run("wrapped", func(t *testing.T) {
		err := errors.Join(errors.New("relay"), ruleError(ErrInsufficient, "x"))
		fxAssertRule(t, err, ErrInsufficient)
	})
}

// FuzzParseTx: no input makes ParseTx panic; what it accepts encodes
// back to the same bytes, with the same size, and decodes again to the
// same transaction and ID.
func FuzzParseTx(f *testing.F) {
	for _, tt := range txWireTests {
		f.Add(tt.raw)
		f.Add(tt.raw[:len(tt.raw)/2])
	}
	for _, tt := range txRefusedTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, err := ParseTx(raw)
		if err != nil {
			require.ErrorIs(t, err, ErrDecode)
			require.Nil(t, tx)
			return
		}
		again, err := tx.Bytes()
		require.NoError(t, err)
		require.Equal(t, raw, again)
		require.Equal(t, len(raw), tx.Size())
		back, err := ParseTx(again)
		require.NoError(t, err)
		require.Equal(t, tx, back)
		require.Equal(t, tx.ID(), back.ID())
		require.Len(t, tx.From, ed25519.PublicKeySize)
		_ = tx.Check(fxChain) // never panics, whatever the fields
	})
}
