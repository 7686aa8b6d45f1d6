package wire

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

const varBytesLimit = 300 // the limit these tests read with

var varBytesTests = []struct {
	name string
	b    []byte
	raw  []byte
}{
	{name: "empty", b: []byte{}, raw: testbytes.MustHex("00")},
	{name: "three bytes", b: []byte("abc"), raw: testbytes.MustHex("03 616263")},
	{name: "252 bytes, a one-byte length", b: bytes.Repeat([]byte{7}, 252), raw: cat(testbytes.MustHex("fc"), bytes.Repeat([]byte{7}, 252))},
	{name: "253 bytes, a three-byte length", b: bytes.Repeat([]byte{7}, 253), raw: cat(testbytes.MustHex("fd fd00"), bytes.Repeat([]byte{7}, 253))},
	{name: "at the limit", b: bytes.Repeat([]byte{7}, varBytesLimit), raw: cat(testbytes.MustHex("fd 2c01"), bytes.Repeat([]byte{7}, varBytesLimit))},
}

func TestVarBytes(t *testing.T) {
	for _, tt := range varBytesTests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteVarBytes(&buf, tt.b))
			assertBytes(t, tt.raw, buf.Bytes(), "WriteVarBytes")
			buf.Reset()
			require.NoError(t, WriteVarString(&buf, string(tt.b)))
			assertBytes(t, tt.raw, buf.Bytes(), "WriteVarString")

			b, err := ReadVarBytes(bytes.NewReader(tt.raw), varBytesLimit)
			require.NoError(t, err)
			assertBytes(t, tt.b, b, "ReadVarBytes")
			s, err := ReadVarString(bytes.NewReader(tt.raw), varBytesLimit)
			require.NoError(t, err)
			assert.Equal(t, string(tt.b), s, "ReadVarString")
		})
	}
}

func TestVarBytesErrors(t *testing.T) {
	for _, tt := range varBytesTests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			for cut := range len(tt.raw) {
				_, err := ReadVarBytes(bytes.NewReader(tt.raw[:cut]), varBytesLimit)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.raw) {
				w := &testbytes.FailWriter{Budget: budget}
				assert.ErrorIs(t, WriteVarBytes(w, tt.b), testbytes.ErrWrite, "bytes, fail after %d", budget)
				w = &testbytes.FailWriter{Budget: budget}
				assert.ErrorIs(t, WriteVarString(w, string(tt.b)), testbytes.ErrWrite, "string, fail after %d", budget)
			}
		})
	}
}

func TestReadVarBytesBounds(t *testing.T) {
	tests := []struct {
		name    string
		raw     []byte
		maxLen  int
		wantErr error
	}{
		{name: "one over the limit", raw: cat(testbytes.MustHex("fd 2d01"), make([]byte, 301)), maxLen: varBytesLimit, wantErr: ErrTooLong},
		{name: "claims 2^64-1 bytes", raw: testbytes.MustHex("ff ffffffffffffffff"), maxLen: varBytesLimit, wantErr: ErrTooLong},
		{name: "limit zero", raw: testbytes.MustHex("01 00"), maxLen: 0, wantErr: ErrTooLong},
		{name: "negative limit", raw: testbytes.MustHex("01 00"), maxLen: -1, wantErr: ErrTooLong},
		{name: "length not minimal", raw: testbytes.MustHex("fd 0300 616263"), maxLen: varBytesLimit, wantErr: ErrNonCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadVarBytes(bytes.NewReader(tt.raw), tt.maxLen)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, b)
			_, err = ReadVarString(bytes.NewReader(tt.raw), tt.maxLen)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// TestReadVarBytesMemory: a length within a large limit, with few bytes
// behind it, costs only a chunk.
func TestReadVarBytesMemory(t *testing.T) {
	raw := cat(testbytes.MustHex("fe 00000001"), []byte(strings.Repeat("x", 100))) // claims 16 MiB
	var err error
	got := testalloc.Bytes(func() {
		_, err = ReadVarBytes(bytes.NewReader(raw), 1<<30)
	})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.LessOrEqual(t, got, uint64(2*readChunk), "bytes allocated")
}

// FuzzReadVarBytes checks that what ReadVarBytes accepts writes back to
// the bytes it read.
func FuzzReadVarBytes(f *testing.F) {
	for _, tt := range varBytesTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		b, err := ReadVarBytes(r, varBytesLimit)
		if err != nil {
			assertKnownCause(t, err)
			return
		}
		var buf bytes.Buffer
		require.NoError(t, WriteVarBytes(&buf, b))
		assertBytes(t, data[:len(data)-r.Len()], buf.Bytes())
	})
}
