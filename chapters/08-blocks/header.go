package blocks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// HeaderSize is a header's size on the wire, and what its hash covers.
const HeaderSize = 80

// ErrHeaderDecode is a header that is not 80 bytes.
var ErrHeaderDecode = errors.New("malformed header")

// docs:begin header

// Header is Bitcoin's block header, field for field: what the proof of
// work covers. It is shaped like btcd's wire.BlockHeader, so test
// vectors and code from there carry over.
type Header struct {
	Version    int32  // the rules the block follows
	PrevBlock  Hash   // the hash of the block it extends
	MerkleRoot Hash   // commits to every transaction in the block
	Time       uint32 // seconds since 1970, as the miner says
	Bits       uint32 // the target its hash must be under (chapter 09)
	Nonce      uint32 // what the miner changes to find that hash
}

// Bytes is the header's 80 bytes: each field little-endian, in order.
func (h *Header) Bytes() [HeaderSize]byte {
	var b [HeaderSize]byte
	binary.LittleEndian.PutUint32(b[0:4], uint32(h.Version))
	copy(b[4:36], h.PrevBlock[:])
	copy(b[36:68], h.MerkleRoot[:])
	binary.LittleEndian.PutUint32(b[68:72], h.Time)
	binary.LittleEndian.PutUint32(b[72:76], h.Bits)
	binary.LittleEndian.PutUint32(b[76:80], h.Nonce)
	return b
}

// BlockHash is the block's name: the double SHA-256 of its header.
// The transactions are in it through the merkle root.
func (h *Header) BlockHash() Hash {
	b := h.Bytes()
	return DoubleSHA256(b[:])
}

// docs:end header

// ParseHeader reads a header from exactly HeaderSize bytes.
func ParseHeader(b []byte) (Header, error) {
	if len(b) != HeaderSize {
		return Header{}, fmt.Errorf("%w: %d bytes, want %d", ErrHeaderDecode, len(b), HeaderSize)
	}
	var h Header
	h.Version = int32(binary.LittleEndian.Uint32(b[0:4]))
	copy(h.PrevBlock[:], b[4:36])
	copy(h.MerkleRoot[:], b[36:68])
	h.Time = binary.LittleEndian.Uint32(b[68:72])
	h.Bits = binary.LittleEndian.Uint32(b[72:76])
	h.Nonce = binary.LittleEndian.Uint32(b[76:80])
	return h, nil
}

// Encode writes the header's 80 bytes.
func (h *Header) Encode(w io.Writer) error {
	b := h.Bytes()
	_, err := w.Write(b[:])
	return err
}

// Decode reads 80 bytes into the header.
func (h *Header) Decode(r io.Reader) error {
	var b [HeaderSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("%w: %w", ErrHeaderDecode, err)
	}
	v, err := ParseHeader(b[:])
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Timestamp is Time as a time.Time, in UTC.
func (h *Header) Timestamp() time.Time { return time.Unix(int64(h.Time), 0).UTC() }
