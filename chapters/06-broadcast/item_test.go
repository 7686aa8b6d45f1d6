package broadcast

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// genesisHeader is Bitcoin's genesis block header, 80 bytes.
const genesisHeader = "01000000" + // version
	"0000000000000000000000000000000000000000000000000000000000000000" + // previous
	"3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a" + // merkle root
	"29ab5f49" + "ffff001d" + "1dac2b7c" // time, bits, nonce

// TestHashID: double SHA-256, checked against known values, Bitcoin's
// genesis block hash among them.
func TestHashID(t *testing.T) {
	header, err := hex.DecodeString(genesisHeader)
	require.NoError(t, err)
	tests := []struct {
		name     string
		data     []byte
		wantHex  string // as the bytes are
		wantDisp string // Bitcoin's reversed display
		wantStr  string // ID.String
	}{
		{name: "empty", data: nil,
			wantHex: "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456", wantStr: "56944c5d"},
		{name: "hello", data: []byte("hello"),
			wantHex: "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50", wantStr: "503d8319"},
		{name: "Bitcoin's genesis header", data: header,
			wantDisp: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", wantStr: "00000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := HashID(tt.data)
			if tt.wantHex != "" {
				assert.Equal(t, tt.wantHex, hex.EncodeToString(id[:]))
			}
			if tt.wantDisp != "" {
				assert.Equal(t, tt.wantDisp, id.Hex(), "as Bitcoin shows hashes: bytes reversed")
			}
			assert.Equal(t, tt.wantStr, id.String())
		})
	}
}

// TestNewBlob: a blob is named by its data's double SHA-256, and its
// inventory entry carries its type and ID.
func TestNewBlob(t *testing.T) {
	it := NewBlob([]byte("hello"))
	assert.Equal(t, Blob.Code, it.Type)
	assert.Equal(t, HashID([]byte("hello")), it.ID)
	assert.Equal(t, []byte("hello"), it.Data)
	assert.Equal(t, InvVect{Type: Blob.Code, ID: it.ID}, it.Inv())
	assert.NotEqual(t, NewBlob([]byte("hellO")).ID, it.ID)
}

// TestItemTypes: the types a protocol is given must have distinct
// codes and a size limit in 1..MaxItemData.
func TestItemTypes(t *testing.T) {
	tx := ItemType{Code: 1, Name: "tx", MaxSize: 1000}
	block := ItemType{Code: 2, Name: "block", MaxSize: MaxItemData}
	tests := []struct {
		name    string
		types   []ItemType
		wantErr string // "" for none
	}{
		{name: "nil means blobs", types: nil},
		{name: "two types", types: []ItemType{tx, block}},
		{name: "MaxSize of exactly MaxItemData", types: []ItemType{block}},
		{name: "none", types: []ItemType{}, wantErr: "none"},
		{name: "the same code twice", types: []ItemType{tx, {Code: 1, Name: "other", MaxSize: 5}},
			wantErr: "code 1 twice"},
		{name: "MaxSize zero", types: []ItemType{{Code: 3, Name: "empty"}}, wantErr: "empty MaxSize 0 not in 1..1048576"},
		{name: "MaxSize negative", types: []ItemType{{Code: 3, Name: "neg", MaxSize: -1}}, wantErr: "neg MaxSize -1"},
		{name: "MaxSize over MaxItemData", types: []ItemType{{Code: 3, Name: "huge", MaxSize: MaxItemData + 1}},
			wantErr: "huge MaxSize 1048577 not in 1..1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Config{Types: tt.types}, newRand())
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrItemTypes)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// TestItemCheck: a type's own check is given the item's ID and data,
// and decides alone; without one, the ID must be the data's hash.
func TestItemCheck(t *testing.T) {
	errNope := errors.New("nope")
	var gotID ID
	var gotData []byte
	picky := ItemType{Code: 5, Name: "picky", MaxSize: 4, Check: func(id ID, data []byte) error {
		gotID, gotData = id, data
		if string(data) == "bad" {
			return errNope
		}
		return nil
	}}
	r := newRig(t, Config{Types: []ItemType{picky, Blob}, Policy: FloodPolicy{}, NoPrune: true, NoSync: true})
	tests := []struct {
		name    string
		item    Item
		wantErr error
	}{
		{name: "picky accepts an ID it was not built from", item: Item{Type: 5, ID: blob(1).ID, Data: []byte("ok")}},
		{name: "picky refuses", item: Item{Type: 5, ID: blob(2).ID, Data: []byte("bad")}, wantErr: errNope},
		{name: "picky's size limit comes first", item: Item{Type: 5, ID: blob(3).ID, Data: []byte("12345")},
			wantErr: ErrItemSize},
		{name: "a blob still needs its hash", item: Item{Type: Blob.Code, ID: blob(4).ID, Data: []byte("x")},
			wantErr: ErrItemID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotData = nil
			acts := r.publish(tt.item)
			rejected := emitted[Rejected](acts)
			if tt.wantErr == nil {
				assert.Empty(t, rejected)
				assert.True(t, r.p.Has(tt.item.ID))
			} else {
				require.Len(t, rejected, 1)
				assert.ErrorIs(t, rejected[0].Err, tt.wantErr)
				assert.False(t, r.p.Has(tt.item.ID))
			}
			if tt.item.Type == 5 && !errors.Is(tt.wantErr, ErrItemSize) {
				assert.Equal(t, tt.item.ID, gotID)
				assert.Equal(t, tt.item.Data, gotData)
			}
		})
	}
}

// TestParseID: Hex and ParseID are each other's inverse; anything but
// 64 hex digits is refused.
func TestParseID(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		text    string // if set, parsed instead of the data's ID
		wantErr string
	}{
		{name: "text", data: "hello"},
		{name: "empty", data: ""},
		{name: "too short", text: "abcd", wantErr: "want 64 hex digits"},
		{name: "not hex", text: strings.Repeat("zz", 32), wantErr: "not hex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := HashID([]byte(tt.data))
			s := id.Hex()
			if tt.text != "" {
				s = tt.text
			}
			back, err := ParseID(s)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Len(t, s, 64)
			assert.True(t, strings.HasPrefix(s, id.String()), "String is its first 8 digits")
			assert.Equal(t, id, back)
		})
	}
}
