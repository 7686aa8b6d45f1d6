package transactions

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testbytes"
)

// rfcTxFrame is rfcTxHex in chapter 02's envelope, on the devnet.
var rfcTxFrame = append(testbytes.MustHex(`
	fc8ed5b6                  # devnet
	747800000000000000000000  # "tx"
	93000000                  # 147 bytes
	e667f67a                  # checksum (sha256d, checked with sha256sum)`),
	testbytes.MustHex(rfcTxHex)...)

// TestMsgTxRegistered: tx is in chapter 02's registry beside the
// earlier chapters' messages, with its limit.
func TestMsgTxRegistered(t *testing.T) {
	reg := fxRegistry(t)
	msg, err := reg.New(CmdTx)
	require.NoError(t, err)
	assert.IsType(t, &MsgTx{}, msg)
	assert.Equal(t, "tx", msg.Command())
	assert.Equal(t, uint32(MaxTxSize), msg.MaxPayload())
	assert.LessOrEqual(t, msg.MaxPayload(), uint32(wire.MaxPayload))

	var cmds []string
	for _, f := range fxAllMessages() {
		cmds = append(cmds, f().Command())
	}
	slices.Sort(cmds)
	assert.Equal(t, slices.Compact(slices.Clone(cmds)), cmds, "no command twice")
	assert.Equal(t, cmds, reg.Commands())
	assert.ErrorIs(t, reg.Register(Messages()...), wire.ErrDuplicateCommand)

	a, err := reg.New(CmdTx)
	require.NoError(t, err)
	require.NoError(t, a.Decode(bytes.NewReader(testbytes.MustHex(rfcTxHex))))
	b, err := reg.New(CmdTx)
	require.NoError(t, err)
	assert.Equal(t, &MsgTx{}, b, "each message is new")
}

// TestMsgTxWire: a tx message through chapter 02's writer and reader,
// byte for byte; cut anywhere, it is a short read.
func TestMsgTxWire(t *testing.T) {
	want := &MsgTx{Tx: *rfcTx()}
	var buf bytes.Buffer
	n, err := wire.WriteMessage(&buf, wire.DevNet, want)
	require.NoError(t, err)
	assert.Equal(t, len(rfcTxFrame), n)
	assert.Equal(t, hex.EncodeToString(rfcTxFrame), hex.EncodeToString(buf.Bytes()))
	assert.Equal(t, wire.HeaderSize+want.Tx.Size(), wire.EncodedSize(want))

	reg := fxRegistry(t)
	got, n, err := wire.ReadMessage(bytes.NewReader(rfcTxFrame), wire.DevNet, reg)
	require.NoError(t, err)
	assert.Equal(t, len(rfcTxFrame), n)
	assert.Equal(t, want, got)
	assert.Equal(t, "tx "+rfcTx().ID().String(), got.(*MsgTx).String())
	assert.NoError(t, got.(*MsgTx).Tx.Check(wire.DevNet))

	for cut := range len(rfcTxFrame) {
		msg, _, err := wire.ReadMessage(bytes.NewReader(rfcTxFrame[:cut]), wire.DevNet, reg)
		assert.Nil(t, msg, "cut at %d", cut)
		if cut == 0 {
			assert.Equal(t, io.EOF, err, "nothing sent")
			continue
		}
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
		var werr *wire.Error
		assert.ErrorAs(t, err, &werr, "cut at %d", cut)

		w := &testbytes.FailWriter{Budget: cut}
		_, err = wire.WriteMessage(w, wire.DevNet, want)
		assert.ErrorIs(t, err, testbytes.ErrWrite, "write fails at %d", cut)
	}
}

// TestMsgTxRefused: what chapter 02's reader refuses in a tx message,
// and where it says the problem is.
func TestMsgTxRefused(t *testing.T) {
	overLimit := fxEnvelope(wire.DevNet, CmdTx, nil)
	binary.LittleEndian.PutUint32(overLimit[16:], MaxTxSize+1)
	overLimit = append(overLimit, make([]byte, 100)...)
	raw := testbytes.MustHex(rfcTxHex)
	tests := []struct {
		name       string
		raw        []byte
		wantErr    error
		wantOffset int
		wantUnread int
	}{
		{name: "longer than a transaction may be", raw: overLimit,
			wantErr: wire.ErrPayloadTooLarge, wantOffset: 16, wantUnread: 100},
		{name: "memo of 257 bytes",
			raw:     fxEnvelope(wire.DevNet, CmdTx, testbytes.MustHex(strings.Repeat("00", fixedSize)+"fd0101")),
			wantErr: ErrMemoSize, wantOffset: wire.HeaderSize + fixedSize + 3},
		{name: "a byte after the signature", raw: fxEnvelope(wire.DevNet, CmdTx, append(raw, 0)),
			wantErr: wire.ErrTrailingBytes, wantOffset: wire.HeaderSize + len(raw)},
		{name: "the payload ends in the signature", raw: fxEnvelope(wire.DevNet, CmdTx, raw[:len(raw)-1]),
			wantErr: io.ErrUnexpectedEOF, wantOffset: wire.HeaderSize + len(raw) - 1},
		{name: "on another network", raw: fxEnvelope(wire.MainNet, CmdTx, raw),
			wantErr: wire.ErrBadMagic, wantOffset: 0, wantUnread: len(raw)},
	}
	reg := fxRegistry(t)
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
	t.Run("the writer refuses a memo of 257 bytes", func(t *testing.T) {
		msg := &MsgTx{Tx: *rfcTx()}
		msg.Tx.Memo = make([]byte, MaxMemo+1)
		var buf bytes.Buffer
		_, err := wire.WriteMessage(&buf, wire.DevNet, msg)
		assert.ErrorIs(t, err, ErrMemoSize)
		assert.Zero(t, buf.Len())
	})
}

// FuzzMsgTx feeds whole frames to chapter 02's reader: nothing makes it
// panic, and a tx it reads writes back as exactly the bytes it read.
func FuzzMsgTx(f *testing.F) {
	f.Add(rfcTxFrame)
	for _, tt := range txWireTests {
		f.Add(fxEnvelope(wire.DevNet, CmdTx, tt.raw))
	}
	for _, tt := range txRefusedTests {
		f.Add(fxEnvelope(wire.DevNet, CmdTx, tt.raw))
	}
	reg := fxRegistry(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, n, err := wire.ReadMessage(bytes.NewReader(raw), wire.DevNet, reg)
		if err != nil {
			require.Nil(t, msg)
			return
		}
		var buf bytes.Buffer
		m, err := wire.WriteMessage(&buf, wire.DevNet, msg)
		require.NoError(t, err)
		require.Equal(t, n, m)
		require.Equal(t, raw[:n], buf.Bytes())
		if tx, ok := msg.(*MsgTx); ok {
			b, err := tx.Tx.Bytes()
			require.NoError(t, err)
			require.Equal(t, raw[wire.HeaderSize:n], b)
		}
	})
}
