package broadcast

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/testbytes"
)

// TestMessagesRegistered: this chapter's messages are in chapter 02's
// registry beside chapter 02's and discovery's, each under its command
// and with its limit.
func TestMessagesRegistered(t *testing.T) {
	reg := testRegistry(t)
	tests := []struct {
		command    string
		want       wire.Message
		maxPayload uint32
	}{
		// A count of up to 9 bytes, then 50,000 entries of 36: btcd's
		// MsgInv.MaxPayloadLength, 1,800,009.
		{command: "inv", want: &MsgInv{}, maxPayload: 1_800_009},
		{command: "getdata", want: &MsgGetData{}, maxPayload: 1_800_009},
		{command: "notfound", want: &MsgNotFound{}, maxPayload: 1_800_009},
		{command: "items", want: &MsgItems{}, maxPayload: MaxItemsPayload},
		// A count, then 1,024 trees of 8 bytes.
		{command: "prune", want: &MsgPrune{}, maxPayload: 8_201},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			msg, err := reg.New(tt.command)
			require.NoError(t, err)
			assert.IsType(t, tt.want, msg)
			assert.Equal(t, tt.command, msg.Command())
			assert.Equal(t, tt.maxPayload, msg.MaxPayload())
			assert.LessOrEqual(t, msg.MaxPayload(), uint32(wire.MaxPayload))
		})
	}
	t.Run("the constants", func(t *testing.T) {
		cmds := []string{CmdInv, CmdGetData, CmdNotFound, CmdItems, CmdPrune}
		assert.Equal(t, []string{"inv", "getdata", "notfound", "items", "prune"}, cmds)
		assert.Equal(t, cmds, commandsOf(Messages()), "Messages, in order")
		assert.Equal(t, uint32(MaxInvPayload), uint32(wire.MaxCompactSizeLen+MaxInvEntries*InvVectSize))
	})
	t.Run("commands are unique", func(t *testing.T) {
		var all []string
		for _, group := range [][]func() wire.Message{
			wire.BaseMessages(), discovery.Messages(), Messages(),
		} {
			all = append(all, commandsOf(group)...)
		}
		slices.Sort(all)
		assert.Equal(t, slices.Compact(slices.Clone(all)), all, "no command twice")
		assert.Equal(t, all, reg.Commands(), "the registry holds them all")
	})
	t.Run("registering again fails and adds nothing", func(t *testing.T) {
		before := reg.Commands()
		assert.ErrorIs(t, reg.Register(Messages()...), wire.ErrDuplicateCommand)
		assert.Equal(t, before, reg.Commands())
	})
	t.Run("each message is new", func(t *testing.T) {
		// Decoding into one must not fill in another.
		a, err := reg.New(CmdInv)
		require.NoError(t, err)
		require.NoError(t, a.Decode(bytes.NewReader(refInvPayload)))
		b, err := reg.New(CmdInv)
		require.NoError(t, err)
		assert.Empty(t, b.(*MsgInv).List)
	})
}

func commandsOf(factories []func() wire.Message) []string {
	var cmds []string
	for _, f := range factories {
		cmds = append(cmds, f().Command())
	}
	return cmds
}

// messageFrames are whole messages, envelope and payload, byte for
// byte.
var messageFrames = []frameTest{
	{name: "Developer Reference inv, Bitcoin main", magic: wire.BitcoinMainNet, raw: cat(testbytes.MustHex(`
		f9beb4d9                  # Bitcoin's main network
		696e76000000000000000000  # "inv"
		49000000                  # 73 bytes
		6467a090                  # checksum`), refInvPayload),
		want: &MsgInv{List: []InvVect{{Type: msgTx, ID: refTx1}, {Type: msgTx, ID: refTx2}}}},
	{name: "empty inv, Bitcoin main", magic: wire.BitcoinMainNet,
		raw:  testbytes.MustHex("f9beb4d9 696e76000000000000000000 01000000 1406e058 00"),
		want: &MsgInv{}},
	{name: "getdata, test", magic: wire.TestNet,
		raw:  testbytes.MustHex("fda7c9e3 676574646174610000000000 25000000 f49f2fad 01 02000000" + id7),
		want: &MsgGetData{List: []InvVect{{Type: msgBlock, ID: idOf(7)}}}},
	{name: "btcd's notfound, devnet", magic: wire.DevNet, raw: testbytes.MustHex(`
		fc8ed5b6 6e6f74666f756e6400000000 49000000 aa7dc416
		02 02000000 dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000
		01000000 f0facc7a481be7cf42bd7fe54f2c2af8ef819add93ee55980af02b39c73d8ad2`),
		want: &MsgNotFound{List: []InvVect{{Type: msgBlock, ID: block203707}, {Type: msgTx, ID: block203707tx}}}},
}

// TestMessagesEnvelope: whole messages, through chapter 02's writer and
// reader, byte for byte; cut or broken at every byte, they fail.
func TestMessagesEnvelope(t *testing.T) {
	testFrameWire(t, messageFrames)
	testFrameWireErrors(t, messageFrames)
}

// TestMessagesEnvelopeRefused: what chapter 02's reader refuses in this
// chapter's messages, and where it says the problem is.
func TestMessagesEnvelopeRefused(t *testing.T) {
	// overLimit is an inv header claiming one byte more than an inv may
	// have, followed by bytes that must not be read.
	overLimit := envelope(wire.DevNet, CmdInv, nil)
	binary.LittleEndian.PutUint32(overLimit[16:], MaxInvPayload+1)
	overLimit = append(overLimit, make([]byte, 100)...)
	tests := []struct {
		name       string
		raw        []byte
		wantErr    error
		wantOffset int
		wantUnread int
	}{
		{name: "inv longer than an inv may be", raw: overLimit,
			wantErr: wire.ErrPayloadTooLarge, wantOffset: 16, wantUnread: 100},
		{name: "prune of 1,025 trees", raw: envelope(wire.DevNet, CmdPrune, testbytes.MustHex("fd0104")),
			wantErr: ErrTooManyItems, wantOffset: 27},
		{name: "prune with a byte after its trees", raw: envelope(wire.DevNet, CmdPrune, testbytes.MustHex("01 0102030405060708 00")),
			wantErr: wire.ErrTrailingBytes, wantOffset: 24 + 9},
		{name: "items of 1,001", raw: envelope(wire.DevNet, CmdItems, testbytes.MustHex("fde903")),
			wantErr: ErrTooManyItems, wantOffset: 27},
		{name: "items with 1,025 prunes riding", raw: envelope(wire.DevNet, CmdItems, testbytes.MustHex("00 fd0104")),
			wantErr: ErrTooManyItems, wantOffset: 28},
		{name: "inv of 50,001", raw: envelope(wire.DevNet, CmdInv, testbytes.MustHex("fd51c3")),
			wantErr: ErrTooManyEntries, wantOffset: 27},
		{name: "getdata claiming 50,000, sending none", raw: envelope(wire.DevNet, CmdGetData, testbytes.MustHex("fd50c3")),
			wantErr: io.ErrUnexpectedEOF, wantOffset: 27},
		{name: "notfound with a byte after its entries", raw: envelope(wire.DevNet, CmdNotFound, cat(refInvPayload, []byte{0})),
			wantErr: wire.ErrTrailingBytes, wantOffset: 24 + 73},
		{name: "inv on another network", raw: envelope(wire.MainNet, CmdInv, testbytes.MustHex("00")),
			wantErr: wire.ErrBadMagic, wantOffset: 0, wantUnread: 1},
	}
	reg := testRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bytes.NewReader(tt.raw)
			msg, _, err := wire.ReadMessage(r, wire.DevNet, reg)
			assert.Nil(t, msg)
			assert.ErrorIs(t, err, tt.wantErr)
			var werr *wire.Error
			if assert.ErrorAs(t, err, &werr) {
				assert.Equal(t, tt.wantOffset, werr.Offset)
			}
			assert.Equal(t, tt.wantUnread, r.Len(), "bytes left unread")
		})
	}
}

// FuzzMessages fuzzes whole frames of every message in the registry,
// seeded with this chapter's.
func FuzzMessages(f *testing.F) {
	for _, tt := range messageFrames {
		f.Add(envelope(wire.DevNet, tt.want.Command(), tt.raw[wire.HeaderSize:]))
	}
	fuzzFrame(f, append(append([]frameTest(nil), pruneFrames...), itemsFrames...))
}
