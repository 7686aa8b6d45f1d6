package broadcast

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testbytes"
)

// The three layers of wire tests for this chapter's messages, as in
// chapters 02 and 05: literal bytes both ways, short reads and writes at
// every byte, and fuzz targets seeded from the same tables.

// cat joins byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// displayID is the ID of a hash shown as Bitcoin shows hashes, in
// reversed hex: a block explorer's 000000...e9dc travels as dce9...00.
func displayID(s string) ID {
	b := testbytes.MustHex(s)
	if len(b) != len(ID{}) {
		panic("displayID: not 32 bytes")
	}
	slices.Reverse(b)
	return ID(b)
}

// envelope is a whole message as chapter 02 frames it: magic, command,
// length and checksum of payload, then payload. It builds the frames
// of tables whose bytes are not spelled out.
func envelope(magic wire.Magic, cmd string, payload []byte) []byte {
	var h [wire.HeaderSize]byte
	copy(h[:4], magic[:])
	copy(h[4:16], cmd)
	binary.LittleEndian.PutUint32(h[16:], uint32(len(payload)))
	sum := wire.Checksum(payload)
	copy(h[20:], sum[:])
	return cat(h[:], payload)
}

// payloadTest is a message and its payload, byte for byte.
type payloadTest struct {
	name    string
	msg     wire.Message
	payload []byte
}

// testRegistry is chapter 02's registry with discovery's and this
// chapter's messages, as a node has it.
func testRegistry(t testing.TB) *wire.Registry {
	t.Helper()
	reg, err := Registry()
	require.NoError(t, err)
	return reg
}

// testPayloadWire is the first layer: each message encodes to its
// literal bytes, the bytes decode to it with none left over, and the
// whole message goes through chapter 02's envelope and back.
func testPayloadWire(t *testing.T, newMsg func() wire.Message, tests []payloadTest) {
	reg := testRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.msg.Encode(&buf))
			assertBytes(t, tt.payload, buf.Bytes(), "encoded")
			assert.Equal(t, wire.HeaderSize+len(tt.payload), wire.EncodedSize(tt.msg))
			assert.LessOrEqual(t, len(tt.payload), int(tt.msg.MaxPayload()))

			got := newMsg()
			r := bytes.NewReader(tt.payload)
			require.NoError(t, got.Decode(r))
			assert.Equal(t, tt.msg, got, "decoded")
			assert.Zero(t, r.Len(), "bytes left after Decode")

			// And whole, in an envelope, through chapter 02's writer
			// and reader.
			var frame bytes.Buffer
			n, err := wire.WriteMessage(&frame, wire.DevNet, tt.msg)
			require.NoError(t, err)
			want := envelope(wire.DevNet, tt.msg.Command(), tt.payload)
			assertBytes(t, want, frame.Bytes(), "framed")
			assert.Equal(t, len(want), n)
			back, n, err := wire.ReadMessage(&frame, wire.DevNet, reg)
			require.NoError(t, err)
			assert.Equal(t, tt.msg, back, "read back")
			assert.Equal(t, len(want), n)
		})
	}
}

// testPayloadWireErrors is the second layer: a payload cut short at any
// byte fails with io.ErrUnexpectedEOF; a reader that breaks at any byte
// has its own error passed up, not hidden; and a writer that fails
// after any number of bytes makes Encode return its error, with
// exactly the bytes before the failure written.
func testPayloadWireErrors(t *testing.T, newMsg func() wire.Message, tests []payloadTest) {
	for _, tt := range tests {
		testShortReads(t, newMsg, tt)
		t.Run(tt.name+"/broken reads", func(t *testing.T) {
			for budget := range len(tt.payload) {
				r := &failingReader{data: tt.payload, budget: budget}
				err := newMsg().Decode(r)
				assert.ErrorIs(t, err, errReadFailed, "fail after %d", budget)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.payload) {
				w := &testbytes.FailWriter{Budget: budget}
				err := tt.msg.Encode(w)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
				assertBytes(t, tt.payload[:budget], w.Buf.Bytes(), "fail after %d", budget)
			}
		})
	}
}

// testShortReads: a payload cut at any byte fails with
// io.ErrUnexpectedEOF.
func testShortReads(t *testing.T, newMsg func() wire.Message, tt payloadTest) {
	t.Run(tt.name+"/short reads", func(t *testing.T) {
		for cut := range len(tt.payload) {
			err := newMsg().Decode(bytes.NewReader(tt.payload[:cut]))
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
		}
	})
}

// frameTest is a whole message, envelope and payload, byte for byte:
// for a message with no payload, the envelope is all there is to test.
type frameTest struct {
	name  string
	magic wire.Magic
	raw   []byte
	want  wire.Message
}

// testFrameWire: each frame reads as its message, and the message
// writes as the frame.
func testFrameWire(t *testing.T, tests []frameTest) {
	reg := testRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name+"/frame", func(t *testing.T) {
			msg, n, err := wire.ReadMessage(bytes.NewReader(tt.raw), tt.magic, reg)
			require.NoError(t, err)
			assert.Equal(t, tt.want, msg)
			assert.Equal(t, len(tt.raw), n)

			var buf bytes.Buffer
			n, err = wire.WriteMessage(&buf, tt.magic, tt.want)
			require.NoError(t, err)
			assertBytes(t, tt.raw, buf.Bytes())
			assert.Equal(t, len(tt.raw), n)
		})
	}
}

// testFrameWireErrors: each frame cut short at every byte fails to
// read, saying where it ended, and a writer failing after any number
// of bytes fails WriteMessage with exactly those bytes written.
func testFrameWireErrors(t *testing.T, tests []frameTest) {
	reg := testRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			for cut := 1; cut < len(tt.raw); cut++ {
				_, n, err := wire.ReadMessage(bytes.NewReader(tt.raw[:cut]), tt.magic, reg)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
				var werr *wire.Error
				if assert.ErrorAs(t, err, &werr, "cut at %d", cut) {
					assert.Equal(t, cut, werr.Offset, "cut at %d", cut)
				}
				assert.Equal(t, cut, n, "cut at %d", cut)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.raw) {
				w := &testbytes.FailWriter{Budget: budget}
				n, err := wire.WriteMessage(w, tt.magic, tt.want)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
				assert.Equal(t, budget, n, "fail after %d", budget)
				assertBytes(t, tt.raw[:budget], w.Buf.Bytes(), "fail after %d", budget)
			}
		})
	}
}

// knownCauses are the errors a decoding failure may wrap: chapter 02's
// and this chapter's. Every failure must name one of them.
var knownCauses = []error{
	io.EOF, io.ErrUnexpectedEOF,
	wire.ErrBadMagic, wire.ErrBadCommand, wire.ErrUnknownCommand,
	wire.ErrPayloadTooLarge, wire.ErrBadChecksum, wire.ErrNonCanonical,
	wire.ErrTrailingBytes, wire.ErrTooLong,
	ErrTooManyEntries, ErrTooManyItems,
}

func assertKnownCause(t *testing.T, err error) {
	t.Helper()
	for _, cause := range knownCauses {
		if errors.Is(err, cause) {
			return
		}
	}
	t.Errorf("error %q wraps none of the known causes", err)
}

// countSeeds are counts a fuzzer would take long to find: the largest
// allowed, one over, the largest CompactSize, and counts sent in more
// bytes than they need.
var countSeeds = [][]byte{
	testbytes.MustHex("fd50c3"),             // 50,000, then nothing
	testbytes.MustHex("fd51c3"),             // 50,001
	testbytes.MustHex("ffffffffffffffffff"), // 2^64-1
	testbytes.MustHex("fd0100"),             // 1 in three bytes
	testbytes.MustHex("fe51c30000"),         // 50,001 in five bytes
}

// fuzzPayload is the third layer: no payload makes Decode panic, every
// error names a known cause, and whatever decodes re-encodes to the
// bytes it used and decodes again to the same message, so a message
// has one encoding.
func fuzzPayload(f *testing.F, newMsg func() wire.Message, tests []payloadTest) {
	for _, tt := range tests {
		f.Add(tt.payload)
	}
	for _, seed := range countSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		msg := newMsg()
		r := bytes.NewReader(payload)
		if err := msg.Decode(r); err != nil {
			assertKnownCause(t, err)
			return
		}
		used := payload[:len(payload)-r.Len()]
		var buf bytes.Buffer
		require.NoError(t, msg.Encode(&buf))
		assertBytes(t, used, buf.Bytes(), "re-encoded")
		again := newMsg()
		require.NoError(t, again.Decode(bytes.NewReader(buf.Bytes())))
		assert.Equal(t, msg, again, "decoded again")
	})
}

// fuzzFrame feeds whole frames to chapter 02's reader with this
// chapter's registry: no input makes it panic, every error names a
// known cause, and a message it reads writes back as exactly the bytes
// it read.
func fuzzFrame(f *testing.F, tests []frameTest) {
	reg := testRegistry(f)
	for _, tt := range tests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, n, err := wire.ReadMessage(bytes.NewReader(raw), wire.DevNet, reg)
		if err != nil {
			assertKnownCause(t, err)
			return
		}
		var buf bytes.Buffer
		m, err := wire.WriteMessage(&buf, wire.DevNet, msg)
		require.NoError(t, err)
		assert.Equal(t, n, m)
		assertBytes(t, raw[:n], buf.Bytes(), "rewritten")
	})
}

// assertBytes compares byte slices as hex, which reads better in a diff
// and does not tell nil from empty.
func assertBytes(t *testing.T, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got), msgAndArgs...)
}

// errReadFailed is what failingReader returns once its budget is spent.
var errReadFailed = errors.New("read failed")

// failingReader gives budget bytes of data and then fails, like a
// connection reset in the middle of a message.
type failingReader struct {
	data   []byte
	budget int
}

func (r *failingReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[:min(r.budget, len(r.data))])
	r.data, r.budget = r.data[n:], r.budget-n
	if n == 0 {
		return 0, errReadFailed
	}
	return n, nil
}
