package pow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// Chapter 08's genesis blocks were mined once, for these rules: each
// keeps them, and the block after it is at the genesis bits.
func TestGenesisProofOfWork(t *testing.T) {
	tests := []struct {
		name    string
		network *blocks.Network
	}{
		{"mainnet", blocks.MainNet},
		{"testnet", blocks.TestNet},
		{"devnet", blocks.DevNet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := ParamsOf(tt.network.Magic)
			require.True(t, ok)
			h := tt.network.Genesis.Header
			assert.Equal(t, uint32(0x1e0fffff), h.Bits)
			assert.NoError(t, CheckProofOfWork(h.BlockHash(), h.Bits,
				p.PowLimit))

			// Its hash is what the nonce bought: another fails.
			other := h
			other.Nonce++
			assert.ErrorIs(t, CheckProofOfWork(other.BlockHash(),
				other.Bits, p.PowLimit), ErrHighHash)

			// Block 1 keeps genesis's bits.
			view := sliceView{h}
			assert.Equal(t, h.Bits, NextWorkRequired(p, view))
		})
	}
}
