package wire

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadPayloadChunks reads payloads around the chunk size, whole and cut
// short, and checks what arrived is what was sent, or counted.
func TestReadPayloadChunks(t *testing.T) {
	sizes := []int{0, 1, readChunk - 1, readChunk, readChunk + 1, 3*readChunk + 5}
	for _, n := range sizes {
		want := make([]byte, n)
		for i := range want {
			want[i] = byte(i * 7)
		}
		t.Run(fmt.Sprintf("%d bytes", n), func(t *testing.T) {
			got, k, err := readPayload(bytes.NewReader(want), n)
			require.NoError(t, err)
			assert.Equal(t, n, k)
			assert.True(t, bytes.Equal(want, got), "the bytes sent")
			assert.Equal(t, n, cap(got), "a buffer of exactly its size")
		})
		if n == 0 {
			continue
		}
		t.Run(fmt.Sprintf("%d bytes, one short", n), func(t *testing.T) {
			got, k, err := readPayload(bytes.NewReader(want[:n-1]), n)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Equal(t, n-1, k, "how many arrived")
			assert.Nil(t, got)
		})
	}
}

// TestVarBytesShareThePayload: a byte field decoded from a message is a
// slice of its payload, not a copy, and an append to it cannot write
// over the field after it.
func TestVarBytesShareThePayload(t *testing.T) {
	var payload bytes.Buffer
	require.NoError(t, WriteVarBytes(&payload, []byte("first")))
	require.NoError(t, WriteVarBytes(&payload, []byte("second")))
	p := &payloadReader{b: payload.Bytes()}
	first, err := ReadVarBytes(p, 100)
	require.NoError(t, err)
	assert.Same(t, &payload.Bytes()[1], &first[0], "shared, not copied")
	_ = append(first, "XX"...)
	second, err := ReadVarBytes(p, 100)
	require.NoError(t, err)
	assert.Equal(t, "second", string(second), "untouched by the append")
	assert.Zero(t, p.Len())

	_, err = ReadVarBytes(&payloadReader{b: []byte{5, 'a'}}, 100)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "claims 5, has 1")
}
