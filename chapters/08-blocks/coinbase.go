package blocks

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// MaxCoinbaseExtra bounds a coinbase's Extra, as Bitcoin bounds its
// coinbase script: 100 bytes.
const MaxCoinbaseExtra = 100

// Sizes of a coinbase's encoding: height, address and amount, then
// Extra with its CompactSize length (one byte, as MaxCoinbaseExtra is
// under 0xfd).
const (
	coinbaseFixedSize = 8 + transactions.AddressSize + 8
	// MinCoinbaseSize is a coinbase with no Extra.
	MinCoinbaseSize = coinbaseFixedSize + 1
	// MaxCoinbaseSize is a coinbase with the longest Extra.
	MaxCoinbaseSize = MinCoinbaseSize + MaxCoinbaseExtra
)

// docs:begin coinbase

// Coinbase is a block's first entry: new money, the block's reward plus
// its transactions' fees, paid to the miner. It carries its block's
// height (Bitcoin's BIP 34), so no two coinbases are the same, and the
// miner's Extra: an extra nonce to change the merkle root when the
// header's nonce runs out, and a message if the miner likes.
type Coinbase struct {
	Height uint64
	To     transactions.Address
	Amount uint64
	Extra  []byte
}

// docs:end coinbase

// docs:begin coinbase-encode

// Bytes is the coinbase's encoding: height, address, amount (integers
// little-endian), then Extra with a CompactSize length.
func (c *Coinbase) Bytes() []byte {
	b := make([]byte, 0, MinCoinbaseSize+len(c.Extra))
	b = binary.LittleEndian.AppendUint64(b, c.Height)
	b = append(b, c.To[:]...)
	b = binary.LittleEndian.AppendUint64(b, c.Amount)
	b = appendCompactSize(b, uint64(len(c.Extra)))
	return append(b, c.Extra...)
}

// ID names the coinbase: the double SHA-256 of its encoding. It is the
// block's first merkle leaf.
func (c *Coinbase) ID() Hash { return DoubleSHA256(c.Bytes()) }

// docs:end coinbase-encode

// Size is the bytes of the encoding.
func (c *Coinbase) Size() int {
	return coinbaseFixedSize + wire.CompactSizeLen(uint64(len(c.Extra))) + len(c.Extra)
}

// Encode writes the coinbase. It refuses an Extra over
// MaxCoinbaseExtra, which no node would decode.
func (c *Coinbase) Encode(w io.Writer) error {
	if len(c.Extra) > MaxCoinbaseExtra {
		return ruleError(ErrCoinbaseExtra, "%d bytes, limit %d", len(c.Extra), MaxCoinbaseExtra)
	}
	_, err := w.Write(c.Bytes())
	return err
}

// Decode reads what Encode wrote. A short read is io.ErrUnexpectedEOF;
// an Extra over MaxCoinbaseExtra is refused before its bytes are read.
func (c *Coinbase) Decode(r io.Reader) error {
	var b [coinbaseFixedSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return unexpected(err)
	}
	c.Height = binary.LittleEndian.Uint64(b[:8])
	copy(c.To[:], b[8:8+transactions.AddressSize])
	c.Amount = binary.LittleEndian.Uint64(b[8+transactions.AddressSize:])
	extra, err := wire.ReadVarBytes(r, MaxCoinbaseExtra)
	if errors.Is(err, wire.ErrTooLong) {
		return wrapRule(ErrCoinbaseExtra, err, "")
	}
	if err != nil {
		return unexpected(err)
	}
	c.Extra = nil
	if len(extra) > 0 {
		c.Extra = bytes.Clone(extra) // the reader's buffer may be reused
	}
	return nil
}

// unexpected turns io.EOF into io.ErrUnexpectedEOF: inside a block
// every field is expected.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// String is a one-line summary, for logs and demos.
func (c *Coinbase) String() string {
	return fmt.Sprintf("coinbase %s: height %d pays %s %d",
		c.ID().Short(), c.Height, c.To, c.Amount)
}
