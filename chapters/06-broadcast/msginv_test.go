package broadcast

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

func idOf(b byte) ID { var id ID; id[0], id[31] = b, b; return id }

const id7 = "07000000000000000000000000000000 00000000000000000000000000000007"

// Real Bitcoin inventory, as the tables below use it.
var (
	// The two transactions of the inv example in the Bitcoin Developer
	// Reference (developer.bitcoin.org/reference/p2p_networking.html#inv),
	// as they travel.
	refTx1 = ID(testbytes.MustHex("de55ffd709ac1f5dc509a0925d0b1fc4 42ca034f224732e429081da1b621f55a"))
	refTx2 = ID(testbytes.MustHex("91d36d997037e08018262978766f24b8 a055aaf1d872e94ae85e9817b2c68dc7"))
	// Block 203,707 and its transaction 1, from btcd's wire tests
	// (wire/msginv_test.go), in the reversed hex explorers show.
	block203707   = displayID("00000000000003264bc2ac36a60840790ba1d475d01367e7c723da941069e9dc")
	block203707tx = displayID("d28a3dc7392bf00a9855ee93dd9a81eff82a2c4fe57fbd42cfe71b487accfaf0")
)

// Bitcoin's inventory types, as the type field carries them.
const (
	msgTx        = 1
	msgBlock     = 2
	msgWitnessTx = 0x40000001 // MSG_TX with the witness flag (BIP 144)
)

// refInvPayload is the Developer Reference's inv, header omitted there.
var refInvPayload = testbytes.MustHex(`
	02                                   # count 2
	01000000                             # MSG_TX
	de55ffd709ac1f5dc509a0925d0b1fc4
	42ca034f224732e429081da1b621f55a     # TXID as it travels
	01000000                             # MSG_TX
	91d36d997037e08018262978766f24b8
	a055aaf1d872e94ae85e9817b2c68dc7`)

// invList253 is 253 entries: the first count that takes three bytes.
var invList253 = func() []InvVect {
	list := make([]InvVect, 253)
	for i := range list {
		list[i] = InvVect{Type: msgTx, ID: idOf(byte(i))}
	}
	return list
}()

// payloadOf is the encoding of list, entry by entry, after count.
func payloadOf(count string, list []InvVect) []byte {
	b := testbytes.MustHex(count)
	for _, v := range list {
		b = append(b, byte(v.Type), byte(v.Type>>8), byte(v.Type>>16), byte(v.Type>>24))
		b = append(b, v.ID[:]...)
	}
	return b
}

func newInv() wire.Message      { return new(MsgInv) }
func newGetData() wire.Message  { return new(MsgGetData) }
func newNotFound() wire.Message { return new(MsgNotFound) }

var invTests = []payloadTest{
	{name: "empty", msg: &MsgInv{}, payload: testbytes.MustHex("00")},
	{name: "one blob", msg: &MsgInv{List: []InvVect{{Type: 1, ID: idOf(7)}}}, payload: testbytes.MustHex(`
		01         # count
		01000000   # type 1, LE
		` + id7)},
	{name: "Bitcoin Developer Reference example", msg: &MsgInv{List: []InvVect{
		{Type: msgTx, ID: refTx1}, {Type: msgTx, ID: refTx2},
	}}, payload: refInvPayload},
	{name: "btcd: block 203707 and its tx 1", msg: &MsgInv{List: []InvVect{
		{Type: msgBlock, ID: block203707}, {Type: msgTx, ID: block203707tx},
	}}, payload: testbytes.MustHex(`
		02
		02000000                             # MSG_BLOCK
		dce9691094da23c7e76713d075d4a10b
		794008a636acc24b2603000000000000     # the hash, low byte first
		01000000                             # MSG_TX
		f0facc7a481be7cf42bd7fe54f2c2af8
		ef819add93ee55980af02b39c73d8ad2`)},
	{name: "a type the wire does not judge", msg: &MsgInv{List: []InvVect{
		{Type: 0xfffffffe, ID: idOf(7)},
	}}, payload: testbytes.MustHex("01 feffffff " + id7)},
}

// invLongTests are too long to cut at every byte: the first layer
// only.
var invLongTests = []payloadTest{
	{name: "253 entries, a three-byte count", msg: &MsgInv{List: invList253},
		payload: payloadOf("fdfd00", invList253)},
}

// TestMsgInvWire is the first layer: literal bytes both ways, and whole
// through chapter 02's envelope and this chapter's registry.
func TestMsgInvWire(t *testing.T) { testPayloadWire(t, newInv, slices.Concat(invTests, invLongTests)) }

// TestMsgInvWireErrors is the second: a payload cut or broken at any
// byte fails, and so does a writer failing after any byte.
func TestMsgInvWireErrors(t *testing.T) { testPayloadWireErrors(t, newInv, invTests) }

// FuzzMsgInv is the third: go test -fuzz FuzzMsgInv.
func FuzzMsgInv(f *testing.F) { fuzzPayload(f, newInv, invTests) }

// TestInvLimits: more than MaxInvEntries is refused both ways, before
// any entry is read or written, for each of the three messages that
// share the layout.
func TestInvLimits(t *testing.T) {
	kinds := []struct {
		name   string
		newMsg func() wire.Message
		list   func(wire.Message) []InvVect
	}{
		{"inv", newInv, func(m wire.Message) []InvVect { return m.(*MsgInv).List }},
		{"getdata", newGetData, func(m wire.Message) []InvVect { return m.(*MsgGetData).List }},
		{"notfound", newNotFound, func(m wire.Message) []InvVect { return m.(*MsgNotFound).List }},
	}
	entry := payloadOf("", []InvVect{{Type: msgTx, ID: idOf(7)}})
	counts := []struct {
		name    string
		count   []byte
		wantErr error
		wantMsg string
	}{
		{name: "50,001", count: testbytes.MustHex("fd51c3"), wantErr: ErrTooManyEntries, wantMsg: "50001, limit 50000"},
		{name: "2^64-1", count: testbytes.MustHex("ffffffffffffffffff"), wantErr: ErrTooManyEntries,
			wantMsg: "18446744073709551615, limit 50000"},
		{name: "1 in three bytes", count: testbytes.MustHex("fd0100"), wantErr: wire.ErrNonCanonical},
		{name: "50,001 in five bytes", count: testbytes.MustHex("fe51c30000"), wantErr: wire.ErrNonCanonical},
	}
	for _, k := range kinds {
		for _, c := range counts {
			t.Run(k.name+"/count "+c.name, func(t *testing.T) {
				// Entries follow the count: none of them may be read.
				r := bytes.NewReader(cat(c.count, entry, entry))
				m := k.newMsg()
				err := m.Decode(r)
				assert.ErrorIs(t, err, c.wantErr)
				if c.wantMsg != "" {
					assert.ErrorContains(t, err, c.wantMsg)
				}
				assert.Equal(t, 2*len(entry), r.Len(), "bytes left unread")
				assert.Nil(t, k.list(m))
			})
		}
	}
	t.Run("encode over the limit", func(t *testing.T) {
		for _, m := range []wire.Message{
			&MsgInv{List: make([]InvVect, MaxInvEntries+1)},
			&MsgGetData{List: make([]InvVect, MaxInvEntries+1)},
			&MsgNotFound{List: make([]InvVect, MaxInvEntries+1)},
		} {
			w := &testbytes.FailWriter{Budget: 1 << 30}
			assert.ErrorIs(t, m.Encode(w), ErrTooManyEntries, m.Command())
			assert.Empty(t, w.Buf.Bytes(), "%s: nothing written", m.Command())
			_, err := wire.WriteMessage(w, wire.DevNet, m)
			assert.ErrorIs(t, err, ErrTooManyEntries, m.Command())
			assert.Empty(t, w.Buf.Bytes(), "%s: nothing framed", m.Command())
		}
	})
}

// TestInvFull: a message of exactly MaxInvEntries entries is the
// largest there is; it fits its MaxPayload, and goes through chapter
// 02's envelope and back.
func TestInvFull(t *testing.T) {
	list := make([]InvVect, MaxInvEntries)
	for i := range list {
		list[i] = InvVect{Type: msgBlock, ID: idOf(byte(i))}
	}
	m := &MsgInv{List: list}
	size := wire.CompactSizeLen(MaxInvEntries) + MaxInvEntries*InvVectSize
	assert.Equal(t, 3+1_800_000, size)
	assert.Equal(t, wire.HeaderSize+size, wire.EncodedSize(m))
	assert.LessOrEqual(t, size, int(m.MaxPayload()))

	var frame bytes.Buffer
	_, err := wire.WriteMessage(&frame, wire.DevNet, m)
	require.NoError(t, err)
	back, n, err := wire.ReadMessage(&frame, wire.DevNet, testRegistry(t))
	require.NoError(t, err)
	assert.Equal(t, wire.HeaderSize+size, n)
	require.IsType(t, &MsgInv{}, back)
	// slices.Equal, not assert.Equal: a diff of 50,000 entries helps
	// nobody, and reflection over them is slow under -race.
	assert.True(t, slices.Equal(list, back.(*MsgInv).List), "read back")
}

// TestInvClaimedCount: a peer may claim 50,000 entries and send none.
// Memory grows with the entries that arrive, never with the count, so
// the claim costs nothing: the list is never made. Made up front it
// would be 50,000 x 36 = 1.8 MB a message.
func TestInvClaimedCount(t *testing.T) {
	claim := testbytes.MustHex("fd50c3") // 50,000, then nothing
	tests := []struct {
		name   string
		newMsg func() wire.Message
	}{
		{"inv", newInv},
		{"getdata", newGetData},
		{"notfound", newNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.newMsg()
			r := bytes.NewReader(claim)
			decode := func() {
				r.Reset(claim)
				if err := m.Decode(r); !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("decode: %v, want %v", err, io.ErrUnexpectedEOF)
				}
			}
			// Two small buffers: the count's and one entry's.
			assert.LessOrEqual(t, testing.AllocsPerRun(100, decode), 2.0, "allocations a decode")

			const runs = 100
			perRun := testalloc.Bytes(func() {
				for range runs {
					decode()
				}
			}) / runs
			assert.Less(t, perRun, uint64(1024), "bytes a decode")
		})
	}
	t.Run("a failed decode keeps nothing", func(t *testing.T) {
		var m MsgInv
		payload := cat(claim, payloadOf("", invList253[:3]))
		assert.ErrorIs(t, m.Decode(bytes.NewReader(payload)), io.ErrUnexpectedEOF)
		assert.Nil(t, m.List, "a failed decode keeps nothing")
	})
}
