package broadcast

import (
	"encoding/binary"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// MaxPruneTrees is the most trees one prune names.
const MaxPruneTrees = 1024

// MsgPrune asks a peer to stop pushing these trees' items to us, and
// only announce them: Plumtree's PRUNE, sent when an item arrives a
// second time, so that the links that push form one tree per
// publisher. Most prunes ride on an items message instead; this one
// goes when there is none. On the wire: a CompactSize count, then
// each tree's 8-byte little-endian key.
type MsgPrune struct{ Trees []uint64 }

func (m *MsgPrune) Command() string { return CmdPrune }
func (m *MsgPrune) MaxPayload() uint32 {
	return wire.MaxCompactSizeLen + 8*MaxPruneTrees
}
func (m *MsgPrune) String() string           { return fmt.Sprintf("prune (%d)", len(m.Trees)) }
func (m *MsgPrune) Encode(w io.Writer) error { return encodeTrees(w, m.Trees) }
func (m *MsgPrune) Decode(r io.Reader) (err error) {
	m.Trees, err = decodeTrees(r)
	return err
}

// encodeTrees writes a count and the trees' keys.
func encodeTrees(w io.Writer, trees []uint64) error {
	if len(trees) > MaxPruneTrees {
		return fmt.Errorf("%w: %d prunes, limit %d", ErrTooManyItems, len(trees), MaxPruneTrees)
	}
	if err := wire.WriteCompactSize(w, uint64(len(trees))); err != nil {
		return err
	}
	var b [8]byte
	for _, t := range trees {
		binary.LittleEndian.PutUint64(b[:], t)
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
	}
	return nil
}

// decodeTrees reads a count, refused over MaxPruneTrees before any key
// is read, and the keys.
func decodeTrees(r io.Reader) ([]uint64, error) {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return nil, err
	}
	if n > MaxPruneTrees {
		return nil, fmt.Errorf("%w: %d prunes, limit %d", ErrTooManyItems, n, MaxPruneTrees)
	}
	var trees []uint64
	var b [8]byte
	for range n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, unexpected(err)
		}
		trees = append(trees, binary.LittleEndian.Uint64(b[:]))
	}
	return trees, nil
}
