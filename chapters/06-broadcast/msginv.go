package broadcast

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// docs:begin inv-limits

// Limits of inv, getdata and notfound, Bitcoin's.
const (
	// MaxInvEntries is the most entries one inv, getdata or notfound
	// may carry (Bitcoin's MAX_INV_SZ).
	MaxInvEntries = 50000
	// InvVectSize is one entry: a 4-byte type and a 32-byte hash.
	InvVectSize = 4 + 32
	// MaxInvPayload is the largest payload of the three.
	MaxInvPayload = wire.MaxCompactSizeLen + MaxInvEntries*InvVectSize
)

// docs:end inv-limits

// ErrTooManyEntries is an inv, getdata or notfound with more than
// MaxInvEntries entries, on the wire or on its way there.
var ErrTooManyEntries = errors.New("too many inventory entries")

// docs:begin invvect

// InvVect names one item: its type's code and its 32-byte ID. On the
// wire it is 4 bytes of little-endian type, then the ID as it is (a
// hash travels low byte first; explorers show it reversed).
type InvVect struct {
	Type uint32
	ID   ID
}

// MsgInv announces items: "I have these". The receiver asks for the
// ones it lacks with getdata.
type MsgInv struct {
	List []InvVect
}

// docs:end invvect

func (m *MsgInv) Command() string          { return CmdInv }
func (m *MsgInv) MaxPayload() uint32       { return MaxInvPayload }
func (m *MsgInv) String() string           { return fmt.Sprintf("inv (%d)", len(m.List)) }
func (m *MsgInv) Encode(w io.Writer) error { return encodeInv(w, m.List) }
func (m *MsgInv) Decode(r io.Reader) (err error) {
	m.List, err = decodeInv(r)
	return err
}

// encodeInv writes a CompactSize count and the entries. It refuses more
// than MaxInvEntries, which no peer would accept, and then writes
// nothing.
func encodeInv(w io.Writer, list []InvVect) error {
	if len(list) > MaxInvEntries {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyEntries, len(list), MaxInvEntries)
	}
	if err := wire.WriteCompactSize(w, uint64(len(list))); err != nil {
		return err
	}
	var b [InvVectSize]byte
	for _, v := range list {
		binary.LittleEndian.PutUint32(b[:4], v.Type)
		copy(b[4:], v.ID[:])
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
	}
	return nil
}

// docs:begin inv-decode

// decodeInv reads a count and the entries. A count over MaxInvEntries
// is refused before any entry is read. The list grows as entries
// arrive, never to the count a peer claims: a count of 50,000
// followed by nothing costs two small buffers, not the 1.8 MB the
// list would take.
func decodeInv(r io.Reader) ([]InvVect, error) {
	return decodeInvUpTo(r, MaxInvEntries)
}

// decodeInvUpTo is decodeInv with a limit of its own.
func decodeInvUpTo(r io.Reader, limit uint64) ([]InvVect, error) {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%w: %d, limit %d",
			ErrTooManyEntries, n, limit)
	}
	var list []InvVect
	var b [InvVectSize]byte
	for range n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, unexpected(err)
		}
		v := InvVect{Type: binary.LittleEndian.Uint32(b[:4])}
		copy(v.ID[:], b[4:])
		list = append(list, v)
	}
	return list, nil
}

// docs:end inv-decode

// unexpected turns a clean end of input inside a payload into
// io.ErrUnexpectedEOF: inside a payload every field is expected.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
