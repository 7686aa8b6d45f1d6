package broadcast

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

func newItems() wire.Message { return new(MsgItems) }

// itemHeader is an item's bytes before its data: type, ID, tree, hops.
func itemHeader(typ uint32, id ID, tree uint64, hops uint8) []byte {
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = append(b, id[:]...)
	b = binary.LittleEndian.AppendUint64(b, tree)
	return append(b, hops)
}

// abcd is one item's data in the tables: two bytes.
var abcd = Item{Type: 1, ID: idOf(7), Data: []byte{0xab, 0xcd}}

// itemsTests: an items message is the items, each with its tree and
// hops, then the prunes and the announcements riding on it.
var itemsTests = []payloadTest{
	{name: "empty", msg: &MsgItems{}, payload: testbytes.MustHex(`
		00   # no items
		00   # no prunes
		00   # no announcements`)},
	{name: "one item on tree A, 3 hops out", msg: &MsgItems{Items: []Item{abcd},
		Trees: []uint64{treeA}, Hops: []uint8{3}}, payload: testbytes.MustHex(`
		01                 # one item
		01000000           # type 1, LE
		` + id7 + `
		0102030405060708   # tree A, LE
		03                 # hops
		02 abcd            # data, as var bytes
		00 00              # nothing rides`)},
	{name: "two items on two trees", msg: &MsgItems{
		Items: []Item{abcd, {Type: 2, ID: idOf(9), Data: []byte{0xef}}},
		Trees: []uint64{treeA, treeB}, Hops: []uint8{1, 255}}, payload: testbytes.MustHex(`
		02
		01000000 ` + id7 + ` 0102030405060708 01 02 abcd
		02000000
		09000000000000000000000000000000 00000000000000000000000000000009
		1132547698badcfe   # tree B
		ff                 # 255 hops: the most there is
		01 ef              # one byte of data
		00 00`)},
	{name: "a prune riding", msg: &MsgItems{Items: []Item{abcd}, Trees: []uint64{treeA},
		Hops: []uint8{1}, Prune: []uint64{treeB}}, payload: testbytes.MustHex(`
		01 01000000 ` + id7 + ` 0102030405060708 01 02 abcd
		01 1132547698badcfe  # one prune: tree B
		00`)},
	{name: "prunes and announcements riding", msg: &MsgItems{Items: []Item{abcd},
		Trees: []uint64{treeA}, Hops: []uint8{2}, Prune: []uint64{treeA, treeB},
		Inv: []InvVect{{Type: msgTx, ID: refTx1}, {Type: msgTx, ID: refTx2}}},
		payload: cat(testbytes.MustHex(`
		01 01000000 `+id7+` 0102030405060708 02 02 abcd
		02 0102030405060708 1132547698badcfe  # two prunes`), refInvPayload)},
	{name: "announcements alone", msg: &MsgItems{Inv: []InvVect{{Type: 1, ID: idOf(7)}}},
		payload: testbytes.MustHex("00 00 01 01000000 " + id7)},
}

// itemsLongTests are too long to cut at every byte: the first layer
// only.
var itemsLongTests = []payloadTest{
	{name: "253 prunes and 253 announcements, three-byte counts",
		msg:     &MsgItems{Prune: treesOf(253), Inv: invList253},
		payload: cat(testbytes.MustHex("00"), treesPayload("fdfd00", treesOf(253)), payloadOf("fdfd00", invList253))},
	{name: "MaxPruneTrees prunes and MaxRiders announcements",
		msg:     &MsgItems{Prune: treesOf(MaxPruneTrees), Inv: riders(MaxRiders)},
		payload: cat(testbytes.MustHex("00"), treesPayload("fd0004", treesOf(MaxPruneTrees)), payloadOf("fde803", riders(MaxRiders)))},
	{name: "MaxItemsPerMsg items", msg: manyItems(MaxItemsPerMsg), payload: manyItemsPayload(MaxItemsPerMsg)},
}

// riders is n distinct announcements.
func riders(n int) []InvVect {
	out := make([]InvVect, n)
	for i := range out {
		out[i] = blob(i).Inv()
	}
	return out
}

// manyItems is an items message of n one-byte blobs, each on its own
// tree.
func manyItems(n int) *MsgItems {
	m := &MsgItems{}
	for i := range n {
		m.Items = append(m.Items, NewBlob([]byte{byte(i)}))
		m.Trees = append(m.Trees, uint64(i)<<8|1)
		m.Hops = append(m.Hops, uint8(i))
	}
	return m
}

func manyItemsPayload(n int) []byte {
	m := manyItems(n)
	b := testbytes.MustHex("fde803")
	for i, it := range m.Items {
		b = append(b, itemHeader(it.Type, it.ID, m.Trees[i], m.Hops[i])...)
		b = append(b, 1, it.Data[0])
	}
	return append(b, 0, 0)
}

// itemsFrames: whole items messages, envelope and payload.
var itemsFrames = []frameTest{
	{name: "devnet, an item with a prune and an announcement riding", magic: wire.DevNet,
		want: &MsgItems{Items: []Item{abcd}, Trees: []uint64{treeA}, Hops: []uint8{3},
			Prune: []uint64{treeB}, Inv: []InvVect{{Type: 1, ID: idOf(7)}}},
		raw: testbytes.MustHex(`
		fc8ed5b6                  # devnet
		6974656d7300000000000000  # "items", NUL-padded
		5f000000                  # 95 bytes
		f8cabd2d                  # checksum
		01 01000000 ` + id7 + ` 0102030405060708 03 02 abcd
		01 1132547698badcfe
		01 01000000 ` + id7)},
	{name: "test, empty", magic: wire.TestNet, want: &MsgItems{},
		raw: cat(testbytes.MustHex("fda7c9e3 6974656d7300000000000000 03000000"),
			checksumOf(testbytes.MustHex("000000")), testbytes.MustHex("000000"))},
}

// checksumOf is chapter 02's checksum of a payload.
func checksumOf(payload []byte) []byte {
	sum := wire.Checksum(payload)
	return sum[:]
}

// TestMsgItemsWire is the first layer: literal bytes both ways, and
// whole through chapter 02's envelope and this chapter's registry.
func TestMsgItemsWire(t *testing.T) {
	all := append(append([]payloadTest(nil), itemsTests...), itemsLongTests...)
	testPayloadWire(t, newItems, all)
	testFrameWire(t, itemsFrames)
	for _, tt := range all {
		m := tt.msg.(*MsgItems)
		assert.Equal(t, len(tt.payload), m.size(), "%s: size", tt.name)
		if len(m.Prune) == 0 && len(m.Inv) == 0 {
			assert.Equal(t, len(tt.payload), ItemsSize(m.Items), "%s: ItemsSize", tt.name)
		}
	}
	assert.Equal(t, "items (1, 2 prunes, 2 inv)", itemsTests[4].msg.(*MsgItems).String())
}

// TestMsgItemsMissingEntries: an items message with fewer trees or
// hops than items (a getdata's answer has none) sends zeros for the
// missing ones, and decodes with every entry there.
func TestMsgItemsMissingEntries(t *testing.T) {
	two := []Item{abcd, {Type: 2, ID: idOf(9)}}
	tests := []struct {
		name string
		msg  *MsgItems
		want *MsgItems
	}{
		{name: "none", msg: &MsgItems{Items: two},
			want: &MsgItems{Items: two, Trees: []uint64{0, 0}, Hops: []uint8{0, 0}}},
		{name: "the first only", msg: &MsgItems{Items: two, Trees: []uint64{treeA}, Hops: []uint8{4}},
			want: &MsgItems{Items: two, Trees: []uint64{treeA, 0}, Hops: []uint8{4, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, want bytes.Buffer
			require.NoError(t, tt.msg.Encode(&got))
			require.NoError(t, tt.want.Encode(&want))
			assertBytes(t, want.Bytes(), got.Bytes())
			back := new(MsgItems)
			require.NoError(t, back.Decode(&got))
			assert.Equal(t, tt.want, back)
		})
	}
}

// TestMsgItemsNoData: an item may have no data at all; it travels as
// a zero length, and comes back empty.
func TestMsgItemsNoData(t *testing.T) {
	m := &MsgItems{Items: []Item{{Type: 2, ID: idOf(9)}}, Trees: []uint64{treeB}, Hops: []uint8{1}}
	payload := cat(testbytes.MustHex("01"), itemHeader(2, idOf(9), treeB, 1), testbytes.MustHex("00 00 00"))
	var buf bytes.Buffer
	require.NoError(t, m.Encode(&buf))
	assertBytes(t, payload, buf.Bytes())
	back := new(MsgItems)
	require.NoError(t, back.Decode(bytes.NewReader(payload)))
	require.Len(t, back.Items, 1)
	assert.Empty(t, back.Items[0].Data)
	assert.Equal(t, idOf(9), back.Items[0].ID)
	assert.Equal(t, []uint64{treeB}, back.Trees)
}

// TestMsgItemsWireErrors is the second layer: a payload or frame cut
// or broken at any byte fails, and so does a writer failing after any
// byte.
func TestMsgItemsWireErrors(t *testing.T) {
	testPayloadWireErrors(t, newItems, itemsTests)
	testFrameWireErrors(t, itemsFrames)
}

// TestMsgItemsLimits: each count over its limit (items, prunes,
// announcements) and an item's data over MaxItemData are refused
// before what follows is read; encoding over a limit writes nothing;
// a frame longer than an items message may be is refused at its
// length field; a count claimed and not sent costs no memory.
func TestMsgItemsLimits(t *testing.T) {
	entry := cat(itemHeader(1, idOf(7), treeA, 1), testbytes.MustHex("02 abcd"))
	tests := []struct {
		name    string
		payload []byte
		unread  int // bytes after the refused field
		wantErr error
		wantMsg string
	}{
		{name: "1,001 items", payload: cat(testbytes.MustHex("fde903"), entry, entry), unread: 2 * len(entry),
			wantErr: ErrTooManyItems, wantMsg: "1001, limit 1000"},
		{name: "2^64-1 items", payload: cat(testbytes.MustHex("ffffffffffffffffff"), entry), unread: len(entry),
			wantErr: ErrTooManyItems},
		{name: "1,025 prunes", payload: cat(testbytes.MustHex("01"), entry, testbytes.MustHex("fd0104 0102030405060708")),
			unread: 8, wantErr: ErrTooManyItems, wantMsg: "1025 prunes, limit 1024"},
		{name: "1,001 announcements", payload: cat(testbytes.MustHex("00 00 fde903"), payloadOf("", invList253[:2])),
			unread: 2 * InvVectSize, wantErr: ErrTooManyEntries, wantMsg: "1001, limit 1000"},
		{name: "data over MaxItemData", payload: cat(testbytes.MustHex("01"), itemHeader(1, idOf(7), treeA, 1),
			testbytes.MustHex("fe01001000"), make([]byte, 64)), unread: 64, wantErr: wire.ErrTooLong},
		{name: "1 item in three bytes", payload: cat(testbytes.MustHex("fd0100"), entry), unread: len(entry),
			wantErr: wire.ErrNonCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bytes.NewReader(tt.payload)
			err := new(MsgItems).Decode(r)
			assert.ErrorIs(t, err, tt.wantErr)
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
			assert.Equal(t, tt.unread, r.Len(), "bytes left unread")
		})
	}
	t.Run("announcements over MaxRiders are too many items, as documented", func(t *testing.T) {
		err := new(MsgItems).Decode(bytes.NewReader(testbytes.MustHex("00 00 fde903")))
		assert.ErrorIs(t, err, ErrTooManyItems)
	})
	t.Run("encode over a limit", func(t *testing.T) {
		huge := NewBlob(make([]byte, MaxItemData))
		for _, m := range []*MsgItems{
			{Items: blobs(0, MaxItemsPerMsg+1)},
			{Prune: treesOf(MaxPruneTrees + 1)},
			{Inv: riders(MaxRiders + 1)},
			{Items: []Item{huge, huge}},
		} {
			w := &testbytes.FailWriter{Budget: 1 << 30}
			assert.ErrorIs(t, m.Encode(w), ErrTooManyItems, m.String())
			assert.Empty(t, w.Buf.Bytes(), "%s: nothing written", m)
			_, err := wire.WriteMessage(w, wire.DevNet, m)
			assert.ErrorIs(t, err, ErrTooManyItems, m.String())
			assert.Empty(t, w.Buf.Bytes(), "%s: nothing framed", m)
		}
	})
	t.Run("the largest payload is within chapter 02's", func(t *testing.T) {
		assert.LessOrEqual(t, MaxItemsPayload, wire.MaxPayload)
		assert.GreaterOrEqual(t, MaxItemsPayload, MaxItemData+itemOverhead+MaxPruneTrees*8+MaxRiders*InvVectSize+
			3*wire.MaxCompactSizeLen, "one item of the most data fits, with all that may ride")
	})
	t.Run("a frame longer than an items message may be", func(t *testing.T) {
		raw := envelope(wire.DevNet, CmdItems, nil)
		binary.LittleEndian.PutUint32(raw[16:], MaxItemsPayload+1)
		r := bytes.NewReader(append(raw, make([]byte, 100)...))
		msg, _, err := wire.ReadMessage(r, wire.DevNet, testRegistry(t))
		assert.Nil(t, msg)
		assert.ErrorIs(t, err, wire.ErrPayloadTooLarge)
		var werr *wire.Error
		if assert.ErrorAs(t, err, &werr) {
			assert.Equal(t, 16, werr.Offset, "the length field")
		}
		assert.Equal(t, 100, r.Len(), "the payload is not read")
	})
}

// TestMsgItemsClaimedCounts: a peer may claim the most items, prunes or
// announcements and send none, or claim an item of MaxItemData bytes
// and send none of them. Memory grows with what arrives: each claim
// costs a few small buffers, and the data's at most one read chunk.
func TestMsgItemsClaimedCounts(t *testing.T) {
	tests := []struct {
		name     string
		claim    []byte
		maxBytes uint64 // allocated a decode
	}{
		{name: "1,000 items", claim: testbytes.MustHex("fde803"), maxBytes: 256},
		{name: "1,024 prunes", claim: testbytes.MustHex("00 fd0004"), maxBytes: 256},
		{name: "1,000 announcements", claim: testbytes.MustHex("00 00 fde803"), maxBytes: 256},
		{name: "an item of MaxItemData bytes", maxBytes: 64<<10 + 1024,
			claim: cat(testbytes.MustHex("01"), itemHeader(1, idOf(7), treeA, 1), testbytes.MustHex("fe00001000"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bytes.NewReader(tt.claim)
			decode := func() {
				r.Reset(tt.claim)
				if err := new(MsgItems).Decode(r); !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("decode: %v, want %v", err, io.ErrUnexpectedEOF)
				}
			}
			assert.LessOrEqual(t, testing.AllocsPerRun(50, decode), 6.0, "allocations a decode")
			const runs = 50
			got := testalloc.Bytes(func() {
				for range runs {
					decode()
				}
			})
			assert.Less(t, got/runs, tt.maxBytes, "bytes a decode")
		})
	}
}

// itemsSeeds are counts and lengths around the items message's limits.
var itemsSeeds = [][]byte{
	testbytes.MustHex("fde803"),       // 1,000 items, then nothing
	testbytes.MustHex("fde903"),       // 1,001
	testbytes.MustHex("00 fd0004"),    // 1,024 prunes
	testbytes.MustHex("00 fd0104"),    // 1,025
	testbytes.MustHex("00 00 fde803"), // 1,000 announcements
	testbytes.MustHex("00 00 fde903"), // 1,001
	cat(testbytes.MustHex("01"), itemHeader(1, idOf(7), treeA, 1), testbytes.MustHex("fe01001000")), // data over MaxItemData
}

// FuzzMsgItems is the third layer: go test -fuzz FuzzMsgItems. What
// decodes encodes to the bytes it used, and decodes again the same.
func FuzzMsgItems(f *testing.F) {
	for _, seed := range itemsSeeds {
		f.Add(seed)
	}
	fuzzPayload(f, newItems, itemsTests)
}
