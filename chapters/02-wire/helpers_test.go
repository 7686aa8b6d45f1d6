package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"peerchain/tools/testbytes"
)

// TestMain fails the package if any test leaves a goroutine running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// cat joins byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// envelope wraps payload in a header for magic and cmd, with the length
// and checksum the payload has. It builds the rows of error tables; the
// round-trip tables spell every byte out.
func envelope(magic Magic, cmd string, payload []byte) []byte {
	var h [HeaderSize]byte
	copy(h[:], magic[:])
	copy(h[commandOffset:lengthOffset], cmd)
	n := uint32(len(payload))
	h[lengthOffset], h[lengthOffset+1] = byte(n), byte(n>>8)
	h[lengthOffset+2], h[lengthOffset+3] = byte(n>>16), byte(n>>24)
	sum := Checksum(payload)
	copy(h[checksumOffset:], sum[:])
	return cat(h[:], payload)
}

// assertBytes compares byte slices as hex, which reads better in a diff
// than Go's []byte{0x..} and does not tell nil from empty.
func assertBytes(t *testing.T, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got), msgAndArgs...)
}

// knownCauses are the errors a decoding failure may wrap. Every failure
// must name one of them.
var knownCauses = []error{
	ErrBadMagic, ErrBadCommand, ErrUnknownCommand, ErrPayloadTooLarge,
	ErrBadChecksum, ErrNonCanonical, ErrTrailingBytes, ErrTooLong,
	io.ErrUnexpectedEOF,
}

// assertKnownCause fails unless err wraps one of knownCauses.
func assertKnownCause(t *testing.T, err error) {
	t.Helper()
	for _, cause := range knownCauses {
		if errors.Is(err, cause) {
			return
		}
	}
	t.Errorf("error %q wraps none of the known causes", err)
}

// payloadTest is one row of a message type's table: a message and the
// payload bytes it encodes to.
type payloadTest struct {
	name    string
	msg     Message
	payload []byte
	// encoded is what msg encodes to when that is not payload: a
	// payload from an old sender may leave out a field we always send.
	encoded []byte
	// optional is how many bytes at the end of payload an old sender
	// may leave out: a prefix that short still decodes.
	optional int
}

func (tt payloadTest) wantEncoded() []byte {
	if tt.encoded != nil {
		return tt.encoded
	}
	return tt.payload
}

// testPayloadWire checks the first layer for a message type: every row's
// message encodes to its literal bytes, and its payload decodes to it.
func testPayloadWire(t *testing.T, newMsg func() Message, tests []payloadTest) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.msg.Encode(&buf))
			assertBytes(t, tt.wantEncoded(), buf.Bytes(), "encoded")
			assert.Equal(t, HeaderSize+len(tt.wantEncoded()), EncodedSize(tt.msg))
			assert.LessOrEqual(t, len(tt.wantEncoded()), int(tt.msg.MaxPayload()))

			got := newMsg()
			r := bytes.NewReader(tt.payload)
			require.NoError(t, got.Decode(r))
			assert.Equal(t, tt.msg, got, "decoded")
			assert.Zero(t, r.Len(), "bytes left after Decode")
		})
	}
}

// testPayloadWireErrors checks the second layer: a payload cut short at
// any byte fails with io.ErrUnexpectedEOF, and a writer that fails after
// any number of bytes makes Encode return its error, with exactly the
// bytes before the failure written.
func testPayloadWireErrors(t *testing.T, newMsg func() Message, tests []payloadTest) {
	for _, tt := range tests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			minLen := len(tt.payload) - tt.optional
			for cut := range len(tt.payload) {
				err := newMsg().Decode(bytes.NewReader(tt.payload[:cut]))
				if cut < minLen {
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
				} else {
					assert.NoError(t, err, "cut at %d", cut)
				}
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			want := tt.wantEncoded()
			for budget := range len(want) {
				w := &testbytes.FailWriter{Budget: budget}
				err := tt.msg.Encode(w)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
				assertBytes(t, want[:budget], w.Buf.Bytes(), "fail after %d", budget)
			}
		})
	}
}

// fuzzPayload is the third layer: it feeds random payloads, seeded from
// the table, to a message type's Decode. Decode must never panic; any
// error must name a known cause; and whatever decodes must re-encode to
// the bytes it used, so that a message has one encoding. The one
// exception is a field an old sender may leave out (tail): decoding
// fills in its default, and encoding writes it.
func fuzzPayload(f *testing.F, newMsg func() Message, tests []payloadTest, tail []byte) {
	for _, tt := range tests {
		f.Add(tt.payload)
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
		got := buf.Bytes()
		if !bytes.Equal(got, used) {
			assertBytes(t, cat(used, tail), got, "re-encoded")
		}
		again := newMsg()
		require.NoError(t, again.Decode(bytes.NewReader(got)))
		assert.Equal(t, msg, again, "decoded again")
	})
}

// frameTest is a whole message, envelope and payload, byte for byte, for
// the message types whose payload is empty: for them the envelope is
// everything there is to test.
type frameTest struct {
	name  string
	magic Magic
	raw   []byte
	want  Message
}

// testFrameWire checks that each frame reads as its message, and that
// the message writes as the frame.
func testFrameWire(t *testing.T, tests []frameTest) {
	reg := baseRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name+"/frame", func(t *testing.T) {
			msg, n, err := ReadMessage(bytes.NewReader(tt.raw), tt.magic, reg)
			require.NoError(t, err)
			assert.Equal(t, tt.want, msg)
			assert.Equal(t, len(tt.raw), n)

			var buf bytes.Buffer
			n, err = WriteMessage(&buf, tt.magic, tt.want)
			require.NoError(t, err)
			assertBytes(t, tt.raw, buf.Bytes())
			assert.Equal(t, len(tt.raw), n)
		})
	}
}

// testFrameWireErrors checks that each frame cut short at every byte
// fails to read, saying where it ended; that a writer failing after any
// number of bytes fails WriteMessage; and that a payload, which these
// types never have, is refused before it is read.
func testFrameWireErrors(t *testing.T, tests []frameTest) {
	reg := baseRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			for cut := 1; cut < len(tt.raw); cut++ {
				_, n, err := ReadMessage(bytes.NewReader(tt.raw[:cut]), tt.magic, reg)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
				var werr *Error
				if assert.ErrorAs(t, err, &werr, "cut at %d", cut) {
					assert.Equal(t, cut, werr.Offset, "cut at %d", cut)
				}
				assert.Equal(t, cut, n, "cut at %d", cut)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.raw) {
				w := &testbytes.FailWriter{Budget: budget}
				n, err := WriteMessage(w, tt.magic, tt.want)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
				assert.Equal(t, budget, n, "fail after %d", budget)
				assertBytes(t, tt.raw[:budget], w.Buf.Bytes(), "fail after %d", budget)
			}
		})
		t.Run(tt.name+"/a payload", func(t *testing.T) {
			raw := envelope(tt.magic, tt.want.Command(), []byte{0})
			msg, _, err := ReadMessage(bytes.NewReader(raw), tt.magic, reg)
			assert.Nil(t, msg)
			assert.ErrorIs(t, err, ErrPayloadTooLarge)
			var werr *Error
			if assert.ErrorAs(t, err, &werr) {
				assert.Equal(t, lengthOffset, werr.Offset, "the length field")
			}
		})
	}
}
