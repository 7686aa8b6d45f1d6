package wire

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

// compactSizeTests are the boundaries of each width, from the smallest
// value to the largest.
var compactSizeTests = []struct {
	name string
	n    uint64
	raw  []byte
}{
	{name: "zero", n: 0, raw: testbytes.MustHex("00")},
	{name: "largest in one byte", n: 0xfc, raw: testbytes.MustHex("fc")},
	{name: "smallest in three bytes", n: 0xfd, raw: testbytes.MustHex("fd fd00")},
	{name: "largest in three bytes", n: 0xffff, raw: testbytes.MustHex("fd ffff")},
	{name: "smallest in five bytes", n: 0x10000, raw: testbytes.MustHex("fe 00000100")},
	{name: "largest in five bytes", n: 0xffffffff, raw: testbytes.MustHex("fe ffffffff")},
	{name: "smallest in nine bytes", n: 0x100000000, raw: testbytes.MustHex("ff 0000000001000000")},
	{name: "largest uint64", n: 1<<64 - 1, raw: testbytes.MustHex("ff ffffffffffffffff")},
}

func TestCompactSize(t *testing.T) {
	for _, tt := range compactSizeTests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteCompactSize(&buf, tt.n))
			assertBytes(t, tt.raw, buf.Bytes())
			assert.Equal(t, len(tt.raw), CompactSizeLen(tt.n))

			got, err := ReadCompactSize(bytes.NewReader(tt.raw))
			require.NoError(t, err)
			assert.Equal(t, tt.n, got)
		})
	}
}

func TestCompactSizeErrors(t *testing.T) {
	for _, tt := range compactSizeTests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			for cut := range len(tt.raw) {
				_, err := ReadCompactSize(bytes.NewReader(tt.raw[:cut]))
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.raw) {
				w := &testbytes.FailWriter{Budget: budget}
				err := WriteCompactSize(w, tt.n)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
			}
		})
	}
}

func TestReadCompactSizeNonCanonical(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
	}{
		{name: "zero in three bytes", raw: testbytes.MustHex("fd 0000")},
		{name: "252 in three bytes", raw: testbytes.MustHex("fd fc00")},
		{name: "65535 in five bytes", raw: testbytes.MustHex("fe ffff0000")},
		{name: "one in five bytes", raw: testbytes.MustHex("fe 01000000")},
		{name: "4294967295 in nine bytes", raw: testbytes.MustHex("ff ffffffff00000000")},
		{name: "zero in nine bytes", raw: testbytes.MustHex("ff 0000000000000000")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCompactSize(bytes.NewReader(tt.raw))
			assert.ErrorIs(t, err, ErrNonCanonical)
		})
	}
}

// FuzzReadCompactSize checks that whatever ReadCompactSize accepts writes
// back to exactly the bytes it read: one number, one encoding.
func FuzzReadCompactSize(f *testing.F) {
	for _, tt := range compactSizeTests {
		f.Add(tt.raw)
	}
	f.Add(testbytes.MustHex("fd fc00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		n, err := ReadCompactSize(r)
		if err != nil {
			assertKnownCause(t, err)
			return
		}
		used := data[:len(data)-r.Len()]
		assert.Equal(t, len(used), CompactSizeLen(n))
		var buf bytes.Buffer
		require.NoError(t, WriteCompactSize(&buf, n))
		assertBytes(t, used, buf.Bytes())
	})
}
