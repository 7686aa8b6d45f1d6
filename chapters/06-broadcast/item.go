package broadcast

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// ID names an item: a transaction's or a block's hash, later.
type ID [32]byte

// Hex is the ID in Bitcoin's reversed hex, all 64 digits: the way
// explorers show a hash.
func (id ID) Hex() string {
	r := id
	slices.Reverse(r[:])
	return hex.EncodeToString(r[:])
}

// String is Hex shortened to its first 8 digits.
func (id ID) String() string { return id.Hex()[:8] }

// ParseID reads an ID written as Hex.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*len(id) {
		return id, fmt.Errorf("item ID %q: want %d hex digits", s, 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("item ID %q: not hex", s)
	}
	slices.Reverse(id[:])
	return id, nil
}

// HashID is the ID Bitcoin gives its data: double SHA-256.
func HashID(data []byte) ID {
	first := sha256.Sum256(data)
	return sha256.Sum256(first[:])
}

// Errors of items.
var (
	ErrUnknownType = errors.New("unknown item type")
	ErrItemSize    = errors.New("item over its type's size limit")
	ErrItemID      = errors.New("item ID does not match its data")
	ErrItemTypes   = errors.New("invalid item types")
	// ErrDeclined, wrapped in what a type's Check returns, says the
	// item is valid but this node does not take it now: it is dropped,
	// not relayed, and its sender is not scored.
	ErrDeclined = errors.New("item declined")
)

// docs:begin item-type

// ItemType is a kind of item the protocol relays: transactions and
// blocks ride on this later, each with its own code (Bitcoin's MSG_TX
// is 1, MSG_BLOCK 2), size limit and validity check. The protocol never
// looks inside an item: it asks the type.
type ItemType struct {
	Code    uint32
	Name    string
	MaxSize int // bytes of data, at most MaxItemData
	// Check says whether an item's data is valid, for its ID. Nil
	// accepts what HashID(data) names. An error that wraps ErrDeclined
	// drops the item without blame.
	Check func(id ID, data []byte) error
}

// Item is one item: its type's code, its ID and its bytes.
type Item struct {
	Type uint32
	ID   ID
	Data []byte
}

// docs:end item-type

// Inv is the inventory entry that names the item.
func (it Item) Inv() InvVect { return InvVect{Type: it.Type, ID: it.ID} }

// Blob is the item type of this chapter's tests, demo and experiments:
// any bytes up to BlobMaxSize, named by their double SHA-256.
var Blob = ItemType{Code: 1, Name: "blob", MaxSize: BlobMaxSize}

// BlobMaxSize bounds a blob: a large transaction's size.
const BlobMaxSize = 100_000

// NewBlob makes a blob item of data.
func NewBlob(data []byte) Item {
	return Item{Type: Blob.Code, ID: HashID(data), Data: data}
}

// types is the item types a protocol knows, by code.
type types map[uint32]ItemType

func newTypes(ts []ItemType) (types, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("%w: none", ErrItemTypes)
	}
	m := make(types, len(ts))
	for _, t := range ts {
		if _, dup := m[t.Code]; dup {
			return nil, fmt.Errorf("%w: code %d twice", ErrItemTypes, t.Code)
		}
		if t.MaxSize <= 0 || t.MaxSize > MaxItemData {
			return nil, fmt.Errorf("%w: %s MaxSize %d not in 1..%d",
				ErrItemTypes, t.Name, t.MaxSize, MaxItemData)
		}
		m[t.Code] = t
	}
	return m, nil
}

// check says whether an item is of a known type, within its size, and
// valid.
func (ts types) check(it Item) error {
	t, ok := ts[it.Type]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownType, it.Type)
	}
	if len(it.Data) > t.MaxSize {
		return fmt.Errorf("%w: %s of %d bytes, limit %d", ErrItemSize, t.Name, len(it.Data), t.MaxSize)
	}
	if t.Check != nil {
		return t.Check(it.ID, it.Data)
	}
	if HashID(it.Data) != it.ID {
		return fmt.Errorf("%w: %s %s", ErrItemID, t.Name, it.ID)
	}
	return nil
}
