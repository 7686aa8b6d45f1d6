package transactions

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// MaxMemo bounds the note a sender may attach to a transfer.
const MaxMemo = 256

// Sizes of a transaction's encoding: the fixed fields, the memo's
// length and bytes, and the signature.
const (
	fixedSize = 4 + ed25519.PublicKeySize + AddressSize + 3*8
	// MinTxSize is a transaction with no memo.
	MinTxSize = fixedSize + 1 + ed25519.SignatureSize
	// MaxTxSize is a transaction with the longest memo.
	MaxTxSize = fixedSize + maxMemoLenSize + MaxMemo + ed25519.SignatureSize
)

// maxMemoLenSize is the bytes of the CompactSize of MaxMemo: fd and two.
const maxMemoLenSize = 3

// ErrDecode is bytes that are not a transaction.
var ErrDecode = errors.New("malformed transaction")

// docs:begin tx

// Tx is a transfer: From's owner pays To an amount, and a fee to
// whoever includes the transfer in a block. Nonce counts From's
// transactions from 0, so each can be applied once, and in order; Chain
// is the network it was signed for, so that it cannot be replayed on
// another.
type Tx struct {
	Chain  wire.Magic
	From   ed25519.PublicKey // the sender's public key
	To     Address
	Amount uint64
	Fee    uint64
	Nonce  uint64
	Memo   []byte // at most MaxMemo bytes, shown to the recipient
	Sig    []byte // From's ed25519 signature of the ID
}

// docs:end tx

// docs:begin encode

// encodeBody writes every field but the signature: what the ID names
// and the signature covers. Integers are little-endian, as Bitcoin's;
// the memo has a CompactSize length, through chapter 02's codec.
func (tx *Tx) encodeBody(w io.Writer) error {
	var buf [MaxTxSize]byte
	b, err := tx.appendBody(buf[:0])
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// appendBody appends the body's bytes to b.
func (tx *Tx) appendBody(b []byte) ([]byte, error) {
	if len(tx.From) != ed25519.PublicKeySize {
		return b, fmt.Errorf("%w: sender key of %d bytes, want %d", ErrDecode, len(tx.From), ed25519.PublicKeySize)
	}
	if len(tx.Memo) > MaxMemo {
		return b, ruleError(ErrMemoSize, "%d bytes, limit %d", len(tx.Memo), MaxMemo)
	}
	b = append(b, tx.Chain[:]...)
	b = append(b, tx.From...)
	b = append(b, tx.To[:]...)
	b = binary.LittleEndian.AppendUint64(b, tx.Amount)
	b = binary.LittleEndian.AppendUint64(b, tx.Fee)
	b = binary.LittleEndian.AppendUint64(b, tx.Nonce)
	if n := len(tx.Memo); n < 0xfd { // the memo's CompactSize length
		b = append(b, byte(n))
	} else {
		b = binary.LittleEndian.AppendUint16(append(b, 0xfd), uint16(n))
	}
	return append(b, tx.Memo...), nil
}

// Encode writes the transaction: its body, then its 64-byte signature.
func (tx *Tx) Encode(w io.Writer) error {
	if len(tx.Sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature of %d bytes, want %d", ErrDecode, len(tx.Sig), ed25519.SignatureSize)
	}
	if err := tx.encodeBody(w); err != nil {
		return err
	}
	_, err := w.Write(tx.Sig)
	return err
}

// docs:end encode

// Decode reads what Encode wrote. A short read is io.ErrUnexpectedEOF;
// a memo over MaxMemo is refused before its bytes are read.
func (tx *Tx) Decode(r io.Reader) error {
	var b [fixedSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return unexpected(err)
	}
	copy(tx.Chain[:], b[:4])
	tx.From = bytes.Clone(b[4 : 4+ed25519.PublicKeySize])
	copy(tx.To[:], b[4+ed25519.PublicKeySize:])
	n := b[fixedSize-24:]
	tx.Amount = binary.LittleEndian.Uint64(n)
	tx.Fee = binary.LittleEndian.Uint64(n[8:])
	tx.Nonce = binary.LittleEndian.Uint64(n[16:])
	memo, err := wire.ReadVarBytes(r, MaxMemo)
	if errors.Is(err, wire.ErrTooLong) {
		return ruleError(ErrMemoSize, "%v", err)
	}
	if err != nil {
		return unexpected(err)
	}
	tx.Memo = nil
	if len(memo) > 0 {
		tx.Memo = bytes.Clone(memo)
	}
	tx.Sig = make([]byte, ed25519.SignatureSize)
	if _, err := io.ReadFull(r, tx.Sig); err != nil {
		return unexpected(err)
	}
	return nil
}

// unexpected turns io.EOF into io.ErrUnexpectedEOF: inside a
// transaction every field is expected.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Bytes is the transaction's encoding.
func (tx *Tx) Bytes() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(MinTxSize + len(tx.Memo))
	if err := tx.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseTx reads a transaction from its encoding, all of it: bytes left
// over are an error, so that one transaction has one encoding.
func ParseTx(data []byte) (*Tx, error) {
	if len(data) > MaxTxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrDecode, len(data), MaxTxSize)
	}
	r := bytes.NewReader(data)
	tx := new(Tx)
	if err := tx.Decode(r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if r.Len() > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the signature", ErrDecode, r.Len())
	}
	return tx, nil
}

// Size is the bytes of the encoding: what fee rates are per.
func (tx *Tx) Size() int {
	n := uint64(len(tx.Memo))
	return fixedSize + wire.CompactSizeLen(n) + len(tx.Memo) + ed25519.SignatureSize
}

// docs:begin id

// ID names the transaction: the double SHA-256 of its body, without
// the signature. Nobody but the sender can change a transaction without
// changing what it does, so nobody but the sender can change its ID.
func (tx *Tx) ID() broadcast.ID {
	var buf [MaxTxSize]byte
	b, err := tx.appendBody(buf[:0])
	if err != nil {
		return broadcast.ID{} // invalid: Check says why
	}
	return broadcast.HashID(b)
}

// Sign sets the signature: the key's signature of the ID. The key must
// be From's.
func (tx *Tx) Sign(k Key) {
	tx.From = k.Public()
	id := tx.ID()
	tx.Sig = ed25519.Sign(k.priv, id[:])
}

// docs:end id

// docs:begin check

// Check applies the rules that need no state: what every node can
// check of a transaction alone, before it spends a byte of memory on
// it. The signature is checked last: it costs the most.
func (tx *Tx) Check(chain wire.Magic) error { return tx.checkID(chain, tx.ID()) }

// checkID is Check of a transaction whose ID is known.
func (tx *Tx) checkID(chain wire.Magic, id broadcast.ID) error {
	if err := tx.checkFields(chain); err != nil {
		return err
	}
	if !ed25519.Verify(tx.From, id[:], tx.Sig) {
		return ruleError(ErrBadSignature, "%s", id)
	}
	return nil
}

// checkFields is Check without the signature's arithmetic.
func (tx *Tx) checkFields(chain wire.Magic) error {
	if tx.Chain != chain {
		return ruleError(ErrWrongChain, "signed for %s, this is %s",
			wire.NetworkName(tx.Chain), wire.NetworkName(chain))
	}
	if tx.Amount == 0 {
		return ruleError(ErrZeroAmount, "")
	}
	if _, carry := bits.Add64(tx.Amount, tx.Fee, 0); carry != 0 {
		return ruleError(ErrOverflow, "amount %d plus fee %d", tx.Amount, tx.Fee)
	}
	if len(tx.Memo) > MaxMemo {
		return ruleError(ErrMemoSize, "%d bytes, limit %d", len(tx.Memo), MaxMemo)
	}
	if len(tx.From) != ed25519.PublicKeySize || len(tx.Sig) != ed25519.SignatureSize {
		return ruleError(ErrBadSignature, "key or signature of the wrong size")
	}
	return nil
}

// docs:end check

// Sender is the address that pays: From's.
func (tx *Tx) Sender() Address { return AddressOf(tx.From) }

// Cost is what the sender pays: amount and fee. Check has made sure
// that it does not overflow.
func (tx *Tx) Cost() uint64 { return tx.Amount + tx.Fee }

// String is a one-line summary, for logs and demos.
func (tx *Tx) String() string {
	return fmt.Sprintf("%s: %s pays %s %d (fee %d, nonce %d)",
		tx.ID(), tx.Sender(), tx.To, tx.Amount, tx.Fee, tx.Nonce)
}
