package sync

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	blocks "peerchain/chapters/08-blocks"
)

func hashesMsg(n int) []blocks.Hash {
	hs := make([]blocks.Hash, n)
	for i := range hs {
		hs[i][0], hs[i][31] = byte(i), byte(i>>8)
	}
	return hs
}

func TestBlockDataWire(t *testing.T) {
	two := append([]byte{2}, append(bytes.Repeat([]byte{0}, 0), make([]byte, 64)...)...)
	two[1+32] = 1 // the second hash's first byte
	tests := []struct {
		name string
		msg  wire.Message
		want []byte
	}{
		{"getblockdata, none", &MsgGetBlockData{}, []byte{0}},
		{"getblockdata, two", &MsgGetBlockData{Hashes: hashesMsg(2)}, two},
		{"blknotfound, two", &MsgBlockNotFound{Hashes: hashesMsg(2)}, two},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.msg.Encode(&buf))
			assert.Equal(t, tt.want, buf.Bytes())

			var got wire.Message = new(MsgGetBlockData)
			if tt.msg.Command() == CmdBlockNotFound {
				got = new(MsgBlockNotFound)
			}
			require.NoError(t, got.Decode(bytes.NewReader(tt.want)))
			var again bytes.Buffer
			require.NoError(t, got.Encode(&again))
			assert.Equal(t, tt.want, again.Bytes())
			// Every short read is an error, never a panic.
			for i := range len(tt.want) {
				assert.Error(t, got.Decode(bytes.NewReader(tt.want[:i])), "%d bytes", i)
			}
		})
	}
}

func TestBlockDataLimits(t *testing.T) {
	tooMany := &MsgGetBlockData{Hashes: hashesMsg(MaxGetBlockData + 1)}
	var buf bytes.Buffer
	assert.ErrorIs(t, tooMany.Encode(&buf), ErrBlockDataSize)
	assert.Zero(t, buf.Len(), "nothing written")

	var full bytes.Buffer
	require.NoError(t, (&MsgGetBlockData{Hashes: hashesMsg(MaxGetBlockData)}).Encode(&full))
	assert.LessOrEqual(t, full.Len(), int((&MsgGetBlockData{}).MaxPayload()))

	// A count past the limit is refused before any hash is read.
	claim := []byte{0xfd, 0xff, 0xff}
	assert.ErrorIs(t, new(MsgBlockNotFound).Decode(bytes.NewReader(claim)), ErrBlockDataSize)
}

func TestRegistry(t *testing.T) {
	r, err := Registry()
	require.NoError(t, err)
	for _, c := range (&Sync{}).Commands() {
		m, err := r.New(c)
		require.NoError(t, err, c)
		assert.Equal(t, c, m.Command())
	}
}

func FuzzBlockData(f *testing.F) {
	f.Add([]byte{0})
	f.Add(append([]byte{1}, make([]byte, 32)...))
	f.Add([]byte{0xfd, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m MsgGetBlockData
		if m.Decode(bytes.NewReader(data)) != nil {
			return
		}
		var buf bytes.Buffer
		require.NoError(t, m.Encode(&buf))
		var again MsgGetBlockData
		require.NoError(t, again.Decode(bytes.NewReader(buf.Bytes())))
		assert.Equal(t, m.Hashes, again.Hashes)
	})
}
