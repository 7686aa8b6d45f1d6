package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

// baseRegistry knows this chapter's messages.
func baseRegistry(t testing.TB) *Registry {
	t.Helper()
	reg, err := NewRegistry(BaseMessages()...)
	require.NoError(t, err)
	return reg
}

// messageTests are whole messages, envelope and payload, byte for byte.
var messageTests = []struct {
	name  string
	magic Magic
	raw   []byte  // the message as it travels
	want  Message // what it decodes to
	// rewritten is what WriteMessage makes of want, when not raw.
	rewritten []byte
}{
	{
		// The verack in the Bitcoin wiki's Protocol documentation.
		name:  "bitcoin verack",
		magic: BitcoinMainNet,
		raw:   testbytes.MustHex(`f9beb4d9 76657261636b000000000000 00000000 5df6e0e2`),
		want:  &MsgVerAck{},
	},
	{
		name:  "bitcoin version from the wiki",
		magic: BitcoinMainNet,
		raw: cat(testbytes.MustHex(`f9beb4d9 76657273696f6e0000000000 64000000 358d4932`),
			wikiVersionPayload),
		want: wikiVersion,
		// We always send the relay flag: one byte more, a new checksum.
		rewritten: cat(testbytes.MustHex(`f9beb4d9 76657273696f6e0000000000 65000000 c5d995ec`),
			wikiVersionPayload, []byte{1}),
	},
	{
		name:  "bitcoin version from core 22.0",
		magic: BitcoinMainNet,
		raw: cat(testbytes.MustHex(`f9beb4d9 76657273696f6e0000000000 66000000 97302af5`),
			core22VersionPayload),
		want: core22Version,
	},
	{
		name:  "peerchain ping",
		magic: MainNet,
		raw:   testbytes.MustHex(`fec3b0d1 70696e670000000000000000 08000000 33bc15e5 efcdab8967452301`),
		want:  &MsgPing{Nonce: 0x0123456789abcdef},
	},
	{
		name:  "peerchain pong",
		magic: MainNet,
		raw:   testbytes.MustHex(`fec3b0d1 706f6e670000000000000000 08000000 33bc15e5 efcdab8967452301`),
		want:  &MsgPong{Nonce: 0x0123456789abcdef},
	},
	{
		name:  "peerchain devnet verack",
		magic: DevNet,
		raw:   testbytes.MustHex(`fc8ed5b6 76657261636b000000000000 00000000 5df6e0e2`),
		want:  &MsgVerAck{},
	},
	{
		name:  "peerchain version",
		magic: TestNet,
		raw: cat(testbytes.MustHex(`fda7c9e3 76657273696f6e0000000000 67000000 9338e7d1`),
			peerchainVersionPayload),
		want: peerchainVersion,
	},
}

func TestReadMessage(t *testing.T) {
	reg := baseRegistry(t)
	for _, tt := range messageTests {
		t.Run(tt.name, func(t *testing.T) {
			r := bytes.NewReader(tt.raw)
			msg, n, err := ReadMessage(r, tt.magic, reg)
			require.NoError(t, err)
			assert.Equal(t, tt.want, msg)
			assert.Equal(t, len(tt.raw), n)

			_, n, err = ReadMessage(r, tt.magic, reg)
			assert.Equal(t, io.EOF, err, "after the last message")
			assert.Zero(t, n)
		})
	}
}

func TestWriteMessage(t *testing.T) {
	for _, tt := range messageTests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.raw
			if tt.rewritten != nil {
				want = tt.rewritten
			}
			var buf bytes.Buffer
			n, err := WriteMessage(&buf, tt.magic, tt.want)
			require.NoError(t, err)
			assertBytes(t, want, buf.Bytes())
			assert.Equal(t, len(want), n)
			assert.Equal(t, len(want), EncodedSize(tt.want))
		})
	}
}

func TestReadHeader(t *testing.T) {
	// ReadHeader does not check the magic: Bitcoin testnet3's passes.
	h, err := ReadHeader(bytes.NewReader(testbytes.MustHex(
		`0b110907 70696e670000000000000000 08000000 01020304`)))
	require.NoError(t, err)
	assert.Equal(t, Header{
		Magic:    Magic{0x0b, 0x11, 0x09, 0x07},
		Command:  "ping",
		Length:   8,
		Checksum: [4]byte{1, 2, 3, 4},
	}, h)

	_, err = ReadHeader(bytes.NewReader(nil))
	assert.Equal(t, io.EOF, err, "no header at all")
}

func TestReadMessageErrors(t *testing.T) {
	fixed := peerchainVersionPayload[:versionFixedLen]
	tests := []struct {
		name        string
		raw         []byte
		wantErr     error
		wantOffset  int    // Error.Offset
		wantCommand string // Error.Command
		wantN       int    // bytes ReadMessage read
	}{
		{
			name:    "another network's magic",
			raw:     testbytes.MustHex(`f9beb4d9 76657261636b000000000000 00000000 5df6e0e2`),
			wantErr: ErrBadMagic, wantOffset: 0, wantN: 24,
		},
		{
			name:    "command with a control byte",
			raw:     testbytes.MustHex(`fec3b0d1 70690a670000000000000000 00000000 5df6e0e2`),
			wantErr: ErrBadCommand, wantOffset: 6, wantN: 24,
		},
		{
			name:    "command with a space",
			raw:     testbytes.MustHex(`fec3b0d1 70692067 0000000000000000 00000000 5df6e0e2`),
			wantErr: ErrBadCommand, wantOffset: 6, wantN: 24,
		},
		{
			name:    "command with a byte after its padding",
			raw:     testbytes.MustHex(`fec3b0d1 7665720061636b0000000000 00000000 5df6e0e2`),
			wantErr: ErrBadCommand, wantOffset: 8, wantN: 24,
		},
		{
			name:    "empty command",
			raw:     testbytes.MustHex(`fec3b0d1 000000000000000000000000 00000000 5df6e0e2`),
			wantErr: ErrBadCommand, wantOffset: 4, wantN: 24,
		},
		{
			name:    "length of 4 GiB",
			raw:     testbytes.MustHex(`fec3b0d1 70696e670000000000000000 ffffffff 00000000`),
			wantErr: ErrPayloadTooLarge, wantOffset: 16, wantCommand: "ping", wantN: 24,
		},
		{
			name:    "length one byte over MaxPayload",
			raw:     testbytes.MustHex(`fec3b0d1 70696e670000000000000000 01004000 00000000`),
			wantErr: ErrPayloadTooLarge, wantOffset: 16, wantCommand: "ping", wantN: 24,
		},
		{
			name:    "ping one byte over its limit",
			raw:     envelope(MainNet, "ping", make([]byte, 9)),
			wantErr: ErrPayloadTooLarge, wantOffset: 16, wantCommand: "ping", wantN: 24,
		},
		{
			name:    "verack with a payload",
			raw:     envelope(MainNet, "verack", []byte{0}),
			wantErr: ErrPayloadTooLarge, wantOffset: 16, wantCommand: "verack", wantN: 24,
		},
		{
			name:    "bad checksum",
			raw:     testbytes.MustHex(`fec3b0d1 76657261636b000000000000 00000000 00000000`),
			wantErr: ErrBadChecksum, wantOffset: 20, wantCommand: "verack", wantN: 24,
		},
		{
			name:    "payload flipped in transit",
			raw:     testbytes.MustHex(`fec3b0d1 70696e670000000000000000 08000000 33bc15e5 efcdab8967452300`),
			wantErr: ErrBadChecksum, wantOffset: 20, wantCommand: "ping", wantN: 32,
		},
		{
			name:    "payload cut off",
			raw:     testbytes.MustHex(`fec3b0d1 70696e670000000000000000 08000000 33bc15e5 efcdab`),
			wantErr: io.ErrUnexpectedEOF, wantOffset: 27, wantCommand: "ping", wantN: 27,
		},
		{
			name:    "ping payload shorter than a nonce",
			raw:     envelope(MainNet, "ping", []byte{1, 2, 3, 4}),
			wantErr: io.ErrUnexpectedEOF, wantOffset: 28, wantCommand: "ping", wantN: 28,
		},
		{
			name:    "unknown command",
			raw:     envelope(MainNet, "mempool", []byte{1, 2, 3}),
			wantErr: ErrUnknownCommand, wantOffset: 4, wantCommand: "mempool", wantN: 27,
		},
		{
			name:    "version with a byte after the relay flag",
			raw:     envelope(MainNet, "version", cat(peerchainVersionPayload, []byte{0})),
			wantErr: ErrTrailingBytes, wantOffset: 24 + 103, wantCommand: "version", wantN: 24 + 104,
		},
		{
			name:    "version with a user agent over the limit",
			raw:     envelope(MainNet, "version", cat(fixed, testbytes.MustHex("fd0101"), make([]byte, 257))),
			wantErr: ErrTooLong, wantOffset: 24 + 80 + 3, wantCommand: "version", wantN: 24 + 80 + 3 + 257,
		},
		{
			name:    "version with a non-canonical length",
			raw:     envelope(MainNet, "version", cat(fixed, testbytes.MustHex("fd0000 00000000 01"))),
			wantErr: ErrNonCanonical, wantOffset: 24 + 80 + 3, wantCommand: "version", wantN: 24 + 80 + 3 + 5,
		},
		{
			name:    "version with relay flag 2",
			raw:     envelope(MainNet, "version", cat(fixed, testbytes.MustHex("00 00000000 02"))),
			wantErr: ErrNonCanonical, wantOffset: 24 + 80 + 1 + 4 + 1, wantCommand: "version", wantN: 24 + 86,
		},
	}
	reg := baseRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, n, err := ReadMessage(bytes.NewReader(tt.raw), MainNet, reg)
			assert.Nil(t, msg)
			assert.ErrorIs(t, err, tt.wantErr)
			var werr *Error
			require.ErrorAs(t, err, &werr)
			assert.Equal(t, tt.wantOffset, werr.Offset, "offset")
			assert.Equal(t, tt.wantCommand, werr.Command, "command")
			assert.Equal(t, tt.wantN, n, "bytes read")
		})
	}
}

// readers deliver a message the ways a network might: all at once, a
// byte at a time, or with the last bytes and io.EOF together.
var readers = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{name: "whole", wrap: func(r io.Reader) io.Reader { return r }},
	{name: "one byte at a time", wrap: iotest.OneByteReader},
	{name: "eof with data", wrap: iotest.DataErrReader},
}

func TestReadMessageShortReads(t *testing.T) {
	reg := baseRegistry(t)
	for _, tt := range messageTests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				_, n, err := ReadMessage(rd.wrap(bytes.NewReader(nil)), tt.magic, reg)
				assert.Equal(t, io.EOF, err, "nothing at all is a clean end")
				assert.Zero(t, n)
				for cut := 1; cut < len(tt.raw); cut++ {
					r := rd.wrap(bytes.NewReader(tt.raw[:cut]))
					msg, n, err := ReadMessage(r, tt.magic, reg)
					assert.Nil(t, msg)
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
					var werr *Error
					if assert.ErrorAs(t, err, &werr, "cut at %d", cut) {
						assert.Equal(t, cut, werr.Offset, "cut at %d", cut)
					}
					assert.Equal(t, cut, n, "cut at %d", cut)
				}
			})
		}
	}
}

func TestWriteMessageShortWrites(t *testing.T) {
	for _, tt := range messageTests {
		t.Run(tt.name, func(t *testing.T) {
			size := EncodedSize(tt.want)
			for budget := range size {
				w := &testbytes.FailWriter{Budget: budget}
				n, err := WriteMessage(w, tt.magic, tt.want)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
				assert.Equal(t, budget, n, "fail after %d", budget)
			}
		})
	}
}

// testMsg is a message type a test shapes: any command, any limit, any
// payload, any encoding error.
type testMsg struct {
	cmd       string
	max       uint32
	payload   []byte
	encodeErr error
}

func (m *testMsg) Command() string    { return m.cmd }
func (m *testMsg) MaxPayload() uint32 { return m.max }
func (m *testMsg) Encode(w io.Writer) error {
	if m.encodeErr != nil {
		return m.encodeErr
	}
	_, err := w.Write(m.payload)
	return err
}
func (m *testMsg) Decode(r io.Reader) (err error) {
	m.payload, err = io.ReadAll(r)
	return err
}

func TestWriteMessageErrors(t *testing.T) {
	errEncode := errors.New("cannot encode")
	tests := []struct {
		name    string
		msg     Message
		wantErr error
	}{
		{name: "empty command", msg: &testMsg{cmd: ""}, wantErr: ErrBadCommand},
		{name: "command of 13 bytes", msg: &testMsg{cmd: "thirteenbytes"}, wantErr: ErrBadCommand},
		{name: "command with a space", msg: &testMsg{cmd: "get data"}, wantErr: ErrBadCommand},
		{name: "command with a NUL", msg: &testMsg{cmd: "ver\x00ack"}, wantErr: ErrBadCommand},
		{name: "command not ASCII", msg: &testMsg{cmd: "pïng"}, wantErr: ErrBadCommand},
		{name: "payload over its limit", msg: &testMsg{cmd: "tiny", max: 2, payload: []byte{1, 2, 3}}, wantErr: ErrPayloadTooLarge},
		{name: "payload over MaxPayload", msg: &testMsg{cmd: "huge", max: 1<<32 - 1, payload: make([]byte, MaxPayload+1)}, wantErr: ErrPayloadTooLarge},
		{name: "encode fails", msg: &testMsg{cmd: "broken", encodeErr: errEncode}, wantErr: errEncode},
		{name: "user agent too long", msg: &MsgVersion{UserAgent: string(make([]byte, MaxUserAgentLen+1))}, wantErr: ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := WriteMessage(&buf, MainNet, tt.msg)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Zero(t, n)
			assert.Zero(t, buf.Len(), "nothing written")
		})
	}
}

// TestReadMessageStream reads messages back to back, as from a
// connection. An unknown message is skipped whole, so the next one reads.
func TestReadMessageStream(t *testing.T) {
	stream := cat(
		envelope(MainNet, "ping", testbytes.MustHex("0100000000000000")),
		envelope(MainNet, "mempool", []byte("a message from the future")),
		envelope(MainNet, "pong", testbytes.MustHex("0100000000000000")),
	)
	r := bytes.NewReader(stream)
	reg := baseRegistry(t)

	msg, _, err := ReadMessage(r, MainNet, reg)
	require.NoError(t, err)
	assert.Equal(t, &MsgPing{Nonce: 1}, msg)

	_, n, err := ReadMessage(r, MainNet, reg)
	assert.ErrorIs(t, err, ErrUnknownCommand)
	assert.Equal(t, HeaderSize+25, n, "the whole unknown message is read")

	msg, _, err = ReadMessage(r, MainNet, reg)
	require.NoError(t, err)
	assert.Equal(t, &MsgPong{Nonce: 1}, msg)

	_, _, err = ReadMessage(r, MainNet, reg)
	assert.Equal(t, io.EOF, err)
}

// blobMsg is a message as large as any may be: a later chapter's block.
type blobMsg struct{ data []byte }

func (m *blobMsg) Command() string          { return "blob" }
func (m *blobMsg) MaxPayload() uint32       { return MaxPayload }
func (m *blobMsg) Encode(w io.Writer) error { return WriteVarBytes(w, m.data) }
func (m *blobMsg) Decode(r io.Reader) (err error) {
	m.data, err = ReadVarBytes(r, MaxPayload)
	return err
}

// TestReadMessageMemory checks that what a decoder allocates follows what
// it is sent, not what a header claims.
func TestReadMessageMemory(t *testing.T) {
	reg := baseRegistry(t)
	require.NoError(t, reg.Register(func() Message { return new(blobMsg) }))
	claim := func(cmd string, length uint32, sent int) []byte {
		raw := envelope(MainNet, cmd, make([]byte, sent))
		raw[lengthOffset], raw[lengthOffset+1] = byte(length), byte(length>>8)
		raw[lengthOffset+2], raw[lengthOffset+3] = byte(length>>16), byte(length>>24)
		return raw
	}
	tests := []struct {
		name     string
		raw      []byte
		wantErr  error
		maxAlloc uint64 // bytes
	}{
		{name: "claims 4 GiB", raw: claim("blob", 1<<32-1, 0), wantErr: ErrPayloadTooLarge, maxAlloc: 4 << 10},
		{name: "claims 4 MiB, sends 1 KiB", raw: claim("blob", MaxPayload, 1<<10), wantErr: io.ErrUnexpectedEOF, maxAlloc: 2 * readChunk},
		{name: "unknown command claims 4 MiB", raw: claim("unknown", MaxPayload, 1<<10), wantErr: io.ErrUnexpectedEOF, maxAlloc: 64 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := testalloc.Bytes(func() {
				_, _, err = ReadMessage(bytes.NewReader(tt.raw), MainNet, reg)
			})
			assert.ErrorIs(t, err, tt.wantErr)
			assert.LessOrEqual(t, got, tt.maxAlloc, "bytes allocated")
		})
	}

	t.Run("sends all 4 MiB it claims", func(t *testing.T) {
		data := bytes.Repeat([]byte("peerchain"), (MaxPayload-MaxCompactSizeLen)/9)
		var buf bytes.Buffer
		_, err := WriteMessage(&buf, MainNet, &blobMsg{data: data})
		require.NoError(t, err)
		msg, n, err := ReadMessage(&buf, MainNet, reg)
		require.NoError(t, err)
		assert.Equal(t, data, msg.(*blobMsg).data)
		assert.Greater(t, n, MaxPayload-16)
	})
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "in the header", err: &Error{Offset: 0, Err: ErrBadMagic}, want: "byte 0: bad magic"},
		{name: "with a command", err: &Error{Offset: 20, Command: "ping", Err: ErrBadChecksum}, want: "ping message, byte 20: bad checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.Equal(t, tt.err.Err, errors.Unwrap(tt.err))
		})
	}
}

// FuzzReadMessage feeds random bytes to ReadMessage, seeded with every
// message and every bad message in the tables. It must never panic; a
// failure must be io.EOF or an *Error naming a known cause; and a message
// that decodes must write back as the same bytes (but for the relay flag
// an old version leaves out, which WriteMessage adds).
//
// A random change to a payload almost never keeps its checksum right, so
// with fixHeader set the target first makes the length and checksum match
// whatever follows the header: the fuzzer can then reach the decoders.
func FuzzReadMessage(f *testing.F) {
	seeds := [][]byte{
		envelope(MainNet, "ping", []byte{1, 2, 3, 4}),
		envelope(MainNet, "mempool", []byte{1, 2, 3}),
		envelope(MainNet, "version", cat(peerchainVersionPayload, []byte{0})),
	}
	for _, tt := range messageTests {
		seeds = append(seeds, tt.raw)
	}
	for _, seed := range seeds {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	reg := baseRegistry(f)
	f.Fuzz(func(t *testing.T, data []byte, fixHeader bool) {
		if fixHeader && len(data) >= HeaderSize {
			data = bytes.Clone(data)
			payload := data[HeaderSize:]
			binary.LittleEndian.PutUint32(data[lengthOffset:], uint32(len(payload)))
			sum := Checksum(payload)
			copy(data[checksumOffset:], sum[:])
		}
		magic := MainNet
		if len(data) >= 4 && NetworkName(Magic(data)) != "unknown" {
			magic = Magic(data)
		}
		msg, n, err := ReadMessage(bytes.NewReader(data), magic, reg)
		require.LessOrEqual(t, n, len(data))
		if err != nil {
			if err != io.EOF {
				var werr *Error
				require.ErrorAs(t, err, &werr)
				assert.LessOrEqual(t, werr.Offset, n)
				assertKnownCause(t, err)
			}
			return
		}
		var buf bytes.Buffer
		m, err := WriteMessage(&buf, magic, msg)
		require.NoError(t, err)
		got, in := buf.Bytes(), data[:n]
		if !bytes.Equal(got, in) {
			_, isVersion := msg.(*MsgVersion)
			require.True(t, isVersion, "only a version may write back differently")
			assertBytes(t, in[:lengthOffset], got[:lengthOffset], "magic and command")
			assertBytes(t, cat(in[HeaderSize:], []byte{1}), got[HeaderSize:], "payload")
		}
		again, k, err := ReadMessage(bytes.NewReader(got), magic, reg)
		require.NoError(t, err)
		assert.Equal(t, msg, again)
		assert.Equal(t, m, k)
	})
}

// TestReadMessageIOErrors: an error from the connection itself, such as
// a deadline passing, comes back wrapped in an *Error that says where,
// and errors.Is still finds it.
func TestReadMessageIOErrors(t *testing.T) {
	errBroken := errors.New("connection reset")
	ping := envelope(MainNet, "ping", testbytes.MustHex("0100000000000000"))
	unknown := envelope(MainNet, "mempool", []byte{1, 2, 3})
	tests := []struct {
		name string
		raw  []byte // what arrives before the error
	}{
		{name: "before the header", raw: nil},
		{name: "inside the header", raw: ping[:10]},
		{name: "inside the payload", raw: ping[:28]},
		{name: "inside an unknown payload", raw: unknown[:25]},
	}
	reg := baseRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(tt.raw), iotest.ErrReader(errBroken))
			msg, n, err := ReadMessage(r, MainNet, reg)
			assert.Nil(t, msg)
			assert.ErrorIs(t, err, errBroken)
			var werr *Error
			require.ErrorAs(t, err, &werr)
			assert.Equal(t, len(tt.raw), werr.Offset)
			assert.Equal(t, len(tt.raw), n)
		})
	}

	t.Run("before the relay flag", func(t *testing.T) {
		// Decode reads the relay flag straight from a connection here,
		// which fails rather than ends.
		r := io.MultiReader(bytes.NewReader(peerchainVersionPayload[:len(peerchainVersionPayload)-1]),
			iotest.ErrReader(errBroken))
		err := new(MsgVersion).Decode(r)
		assert.ErrorIs(t, err, errBroken)
	})
}

// TestReadPayload: a header that ReadHeader would have refused is refused
// again, so ReadPayload is safe with a Header made by hand.
func TestReadPayload(t *testing.T) {
	h := Header{Magic: MainNet, Command: "mempool", Length: MaxPayload + 1}
	_, n, err := ReadPayload(bytes.NewReader(make([]byte, 64)), h, baseRegistry(t))
	assert.ErrorIs(t, err, ErrPayloadTooLarge)
	assert.Zero(t, n, "nothing read")
}
