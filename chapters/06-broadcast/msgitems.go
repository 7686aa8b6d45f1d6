package broadcast

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// docs:begin items-limits

// Limits of an items message.
const (
	// MaxItemsPerMsg is the most items one message carries: a batch.
	MaxItemsPerMsg = 1000
	// MaxItemData bounds one item's data, whatever its type says.
	MaxItemData = 1 << 20
	// MaxItemsPayload bounds the whole payload, under chapter 02's
	// MaxPayload; a batch that would pass it is cut in two.
	MaxItemsPayload = 2 << 20
	// MaxRiders bounds the announcements riding on one message.
	MaxRiders = 1000
	// itemOverhead is an item's bytes beside its data: type, ID,
	// tree, hops and the longest length prefix of its data.
	itemOverhead = 4 + 32 + 8 + 1 + wire.MaxCompactSizeLen
)

// docs:end items-limits

// ErrTooManyItems is an items message over MaxItemsPerMsg items,
// MaxPruneTrees prunes, MaxRiders announcements or MaxItemsPayload
// bytes.
var ErrTooManyItems = errors.New("too many items")

// docs:begin items

// MsgItems carries items' bytes: what a getdata asked for, or what a
// peer pushes along a tree. Bitcoin sends each transaction in a tx
// message of its own; a batch in one message is what lets a busy link
// spend one message per flush instead of one per item. What else the
// sender has for the receiver rides along, to save messages.
//
// On the wire: a CompactSize count, then each item as its 4-byte
// little-endian type, 32-byte ID, 8-byte little-endian tree, 1-byte
// hop count and its data as var bytes; then a count and the 8-byte
// prunes; then a count and the 36-byte announcements.
type MsgItems struct {
	Items []Item
	// Trees[i] and Hops[i] go with Items[i]: the tree it travels on
	// (its publisher's random key) and how many hops it has come.
	// Missing entries are zero: an answer to a getdata.
	Trees []uint64
	Hops  []uint8
	Prune []uint64  // trees the sender no longer wants pushed
	Inv   []InvVect // announcements
}

// docs:end items

func (m *MsgItems) Command() string    { return CmdItems }
func (m *MsgItems) MaxPayload() uint32 { return MaxItemsPayload }
func (m *MsgItems) String() string {
	return fmt.Sprintf("items (%d, %d prunes, %d inv)", len(m.Items), len(m.Prune), len(m.Inv))
}

// ItemsSize is the payload size of an items message of these items,
// with nothing riding on it.
func ItemsSize(items []Item) int {
	n := wire.CompactSizeLen(uint64(len(items))) + 2
	for _, it := range items {
		n += 4 + 32 + 8 + 1 + wire.CompactSizeLen(uint64(len(it.Data))) + len(it.Data)
	}
	return n
}

// size is the message's payload size.
func (m *MsgItems) size() int {
	return ItemsSize(m.Items) - 2 +
		wire.CompactSizeLen(uint64(len(m.Prune))) + 8*len(m.Prune) +
		wire.CompactSizeLen(uint64(len(m.Inv))) + InvVectSize*len(m.Inv)
}

// Encode writes the items and what rides on them. It refuses a
// message over the limits, which no peer would accept.
func (m *MsgItems) Encode(w io.Writer) error {
	if len(m.Items) > MaxItemsPerMsg || len(m.Prune) > MaxPruneTrees ||
		len(m.Inv) > MaxRiders || m.size() > MaxItemsPayload {
		return fmt.Errorf("%w: %d items, %d prunes, %d inv, %d bytes", ErrTooManyItems,
			len(m.Items), len(m.Prune), len(m.Inv), m.size())
	}
	if err := wire.WriteCompactSize(w, uint64(len(m.Items))); err != nil {
		return err
	}
	var b [4 + 32 + 8 + 1]byte
	for i, it := range m.Items {
		binary.LittleEndian.PutUint32(b[:4], it.Type)
		copy(b[4:36], it.ID[:])
		binary.LittleEndian.PutUint64(b[36:44], at(m.Trees, i))
		b[44] = at(m.Hops, i)
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
		if err := wire.WriteVarBytes(w, it.Data); err != nil {
			return err
		}
	}
	if err := encodeTrees(w, m.Prune); err != nil {
		return err
	}
	return encodeInv(w, m.Inv)
}

// Decode reads an items payload, refusing a count over its limit
// before reading any entry, and data over MaxItemData before
// allocating it.
func (m *MsgItems) Decode(r io.Reader) error {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return err
	}
	if n > MaxItemsPerMsg {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyItems, n, MaxItemsPerMsg)
	}
	*m = MsgItems{}
	var b [4 + 32 + 8 + 1]byte
	for range n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return unexpected(err)
		}
		it := Item{Type: binary.LittleEndian.Uint32(b[:4])}
		copy(it.ID[:], b[4:36])
		if it.Data, err = wire.ReadVarBytes(r, MaxItemData); err != nil {
			return unexpected(err)
		}
		m.Items = append(m.Items, it)
		m.Trees = append(m.Trees, binary.LittleEndian.Uint64(b[36:44]))
		m.Hops = append(m.Hops, b[44])
	}
	if m.Prune, err = decodeTrees(r); err != nil {
		return unexpected(err)
	}
	if m.Inv, err = decodeInvUpTo(r, MaxRiders); errors.Is(err, ErrTooManyEntries) {
		return fmt.Errorf("%w: %w", ErrTooManyItems, err)
	} else if err != nil {
		return unexpected(err)
	}
	return nil
}
