package blocks

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/tools/testbytes"
)

// msgTest is a message and its payload, byte for byte.
type msgTest struct {
	name    string
	msg     wire.Message
	payload []byte
}

var genesisHeaderHex = `
	01000000 0000000000000000000000000000000000000000000000000000000000000000
	f0a0f05789cea278bda39126f00a328cfd59ced3637f96b9a8c72e851e01a81d
	00b95569 ffff0f1e f8961500`

var msgTests = map[string][]msgTest{
	CmdBlock: {
		{name: "a coinbase and one transfer", msg: &MsgBlock{Block: *rfcBlock()}, payload: testbytes.MustHex(rfcBlockHex)},
	},
	CmdHeaders: {
		{name: "none", msg: &MsgHeaders{}, payload: testbytes.MustHex("00")},
		{name: "the devnet's genesis header", msg: &MsgHeaders{Headers: []Header{DevNet.Genesis.Header}},
			payload: testbytes.MustHex("01" + genesisHeaderHex + "00")},
		{name: "two", msg: &MsgHeaders{Headers: []Header{DevNet.Genesis.Header, rfcBlock().Header}},
			payload: testbytes.MustHex("02" + genesisHeaderHex + "00" + rfcBlockHex[:strings.Index(rfcBlockHex, "nonce")] + "\n00")},
	},
	CmdGetHeaders: {
		{name: "from genesis, no stop", msg: &MsgGetHeaders{Version: 70016, Locator: []Hash{DevNet.Genesis.Hash()}},
			payload: testbytes.MustHex(`
				80110100                                                         # version 70016
				01                                                               # one hash
				be925063d47a65de3e9014f5ecddc8956407561bf52c0386ce4ce94ddb090000 # genesis
				0000000000000000000000000000000000000000000000000000000000000000 # no stop`)},
		{name: "empty locator, a stop", msg: &MsgGetHeaders{Stop: DevNet.Genesis.Hash()},
			payload: testbytes.MustHex("00000000 00 be925063d47a65de3e9014f5ecddc8956407561bf52c0386ce4ce94ddb090000")},
	},
	CmdSendHeaders: {{name: "empty", msg: &MsgSendHeaders{}, payload: nil}},
}

func newMsg(t testing.TB, cmd string) wire.Message {
	reg, err := Registry()
	require.NoError(t, err)
	m, err := reg.New(cmd)
	require.NoError(t, err)
	return m
}

// TestMessagesWire: each message encodes to its bytes and decodes from
// them; cut short anywhere, it is a short read; a writer that fails
// makes Encode fail.
func TestMessagesWire(t *testing.T) {
	for cmd, tests := range msgTests {
		for _, tt := range tests {
			t.Run(cmd+"/"+tt.name, func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, tt.msg.Encode(&buf))
				assertBytes(t, tt.payload, buf.Bytes())
				assert.LessOrEqual(t, len(tt.payload), int(tt.msg.MaxPayload()))
				assert.Equal(t, cmd, tt.msg.Command())

				frame := envelope(DevNet.Magic, cmd, tt.payload)
				reg, err := Registry()
				require.NoError(t, err)
				got, n, err := wire.ReadMessage(bytes.NewReader(frame), DevNet.Magic, reg)
				require.NoError(t, err)
				assert.Equal(t, len(frame), n)
				assert.Equal(t, tt.msg, got)
				for cut := range len(tt.payload) {
					m := newMsg(t, cmd)
					assert.ErrorIs(t, m.Decode(bytes.NewReader(tt.payload[:cut])), io.ErrUnexpectedEOF, "cut at %d", cut)
					assert.ErrorIs(t, tt.msg.Encode(&testbytes.FailWriter{Budget: cut}), testbytes.ErrWrite, "write fails at %d", cut)
				}
			})
		}
	}
}

// TestMessagesRefused: counts over their limits are refused before
// anything is read for them, and a header's count must be 0.
func TestMessagesRefused(t *testing.T) {
	tests := []struct {
		name    string
		cmd     string
		payload []byte
		wantErr error
	}{
		{"2001 headers", CmdHeaders, testbytes.MustHex("fdd107"), ErrTooManyHeaders},
		{"a header with a transaction", CmdHeaders, testbytes.MustHex("01" + genesisHeaderHex + "01"), ErrHeaderTxCount},
		{"a locator of 102", CmdGetHeaders, testbytes.MustHex("00000000 66"), ErrLocatorSize},
		{"a count sent long", CmdHeaders, testbytes.MustHex("fd0100"), wire.ErrNonCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, newMsg(t, tt.cmd).Decode(bytes.NewReader(tt.payload)), tt.wantErr)
		})
	}
	assert.ErrorIs(t, (&MsgHeaders{Headers: make([]Header, MaxHeadersPerMsg+1)}).Encode(io.Discard), ErrTooManyHeaders)
	assert.ErrorIs(t, (&MsgGetHeaders{Locator: make([]Hash, MaxLocator+1)}).Encode(io.Discard), ErrLocatorSize)
	var buf bytes.Buffer
	require.NoError(t, (&MsgHeaders{Headers: make([]Header, MaxHeadersPerMsg)}).Encode(&buf))
	assert.Equal(t, MaxHeadersPayload, buf.Len(), "the limit is the largest payload")
	buf.Reset()
	require.NoError(t, (&MsgGetHeaders{Locator: make([]Hash, MaxLocator)}).Encode(&buf))
	assert.Equal(t, MaxGetHeadersPayload, buf.Len())
}

// TestRegistry: chapter 07's registry with this chapter's four
// messages, each once.
func TestRegistry(t *testing.T) {
	reg, err := Registry()
	require.NoError(t, err)
	base, err := transactions.Registry()
	require.NoError(t, err)
	want := append(base.Commands(), CmdBlock, CmdHeaders, CmdGetHeaders, CmdSendHeaders)
	slices.Sort(want)
	assert.Equal(t, want, reg.Commands())
	assert.ErrorIs(t, reg.Register(Messages()...), wire.ErrDuplicateCommand)
	assert.Equal(t, 2, BlockItem)
	for _, f := range Messages() {
		assert.LessOrEqual(t, f().MaxPayload(), uint32(wire.MaxPayload))
	}
}

// fuzzMessage checks that a payload decodes or fails cleanly, and that
// what decodes encodes back to the same bytes.
func fuzzMessage(f *testing.F, cmd string) {
	for _, tt := range msgTests[cmd] {
		f.Add(tt.payload)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newMsg(t, cmd)
		if m.Decode(bytes.NewReader(data)) != nil {
			return
		}
		var buf bytes.Buffer
		if err := m.Encode(&buf); err != nil {
			t.Fatalf("decoded %x, does not encode: %v", data, err)
		}
		if !bytes.HasPrefix(data, buf.Bytes()) {
			t.Fatalf("decoded %x, encodes to %x", data, buf.Bytes())
		}
	})
}

func FuzzMsgBlock(f *testing.F)       { fuzzMessage(f, CmdBlock) }
func FuzzMsgHeaders(f *testing.F)     { fuzzMessage(f, CmdHeaders) }
func FuzzMsgGetHeaders(f *testing.F)  { fuzzMessage(f, CmdGetHeaders) }
func FuzzMsgSendHeaders(f *testing.F) { fuzzMessage(f, CmdSendHeaders) }
