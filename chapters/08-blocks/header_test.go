package blocks

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bitcoinGenesisHeader is Bitcoin's genesis block header, as the
// network carries it.
const bitcoinGenesisHeader = "01000000" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a" +
	"29ab5f49" + "ffff001d" + "1dac2b7c"

func TestBitcoinGenesisHeader(t *testing.T) {
	raw, err := hex.DecodeString(bitcoinGenesisHeader)
	require.NoError(t, err)
	h, err := ParseHeader(raw)
	require.NoError(t, err)

	assert.Equal(t, int32(1), h.Version)
	assert.True(t, h.PrevBlock.IsZero())
	assert.Equal(t, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", h.MerkleRoot.String())
	assert.Equal(t, uint32(1231006505), h.Time)
	assert.Equal(t, "2009-01-03 18:15:05 +0000 UTC", h.Timestamp().String())
	assert.Equal(t, uint32(0x1d00ffff), h.Bits)
	assert.Equal(t, uint32(2083236893), h.Nonce)
	got := h.Bytes()
	assert.Equal(t, raw, got[:], "serializes back to its 80 bytes")
	assert.Equal(t, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", h.BlockHash().String())
}

func TestHeaderDecode(t *testing.T) {
	raw, err := hex.DecodeString(bitcoinGenesisHeader)
	require.NoError(t, err)
	tests := []struct {
		name    string
		in      []byte
		wantErr bool
	}{
		{"whole", raw, false},
		{"empty", nil, true},
		{"one short", raw[:HeaderSize-1], true},
		{"half", raw[:40], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Header
			err := h.Decode(bytes.NewReader(tt.in))
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrHeaderDecode)
				return
			}
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, h.Encode(&buf))
			assert.Equal(t, tt.in, buf.Bytes())
		})
	}
}

func TestParseHash(t *testing.T) {
	const genesis = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"genesis", genesis, false},
		{"short", genesis[:63], true},
		{"not hex", "z" + genesis[1:], true},
		{"empty", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHash(tt.in)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrHash)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.in, h.String())
			assert.Equal(t, byte(0x6f), h[0], "internal order: the last hex pair is the first byte")
			text, err := h.MarshalText()
			require.NoError(t, err)
			var back Hash
			require.NoError(t, back.UnmarshalText(text))
			assert.Equal(t, h, back)
		})
	}
}
