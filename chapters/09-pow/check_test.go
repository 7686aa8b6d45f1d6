package pow

import (
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// bitcoinGenesisHeader is Bitcoin's genesis block header, as the
// network carries it.
const bitcoinGenesisHeader = "01000000" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a" +
	"29ab5f49" + "ffff001d" + "1dac2b7c"

func bitcoinGenesis(t *testing.T) blocks.Header {
	t.Helper()
	raw, err := hex.DecodeString(bitcoinGenesisHeader)
	require.NoError(t, err)
	h, err := blocks.ParseHeader(raw)
	require.NoError(t, err)
	require.Equal(t, uint32(0x1d00ffff), h.Bits)
	return h
}

// hashOf is a number as a hash: little-endian, 32 bytes.
func hashOf(t *testing.T, n *big.Int) [32]byte {
	t.Helper()
	var h [32]byte
	require.LessOrEqual(t, n.BitLen(), 256)
	n.FillBytes(h[:])
	slices.Reverse(h[:])
	return h
}

func TestHashToBig(t *testing.T) {
	genesis := bitcoinGenesis(t)
	tests := []struct {
		name string
		hash [32]byte
		want string
	}{
		{"zero", [32]byte{}, "0"},
		{"first byte is least significant", [32]byte{0: 1}, "1"},
		{"last byte is most significant", [32]byte{31: 1}, "1" + strings.Repeat("0", 62)},
		{"bitcoin genesis reads as its reversed hex",
			genesis.BlockHash(),
			"19d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, HashToBig(tt.hash).Text(16))
		})
	}
}

func TestCheckProofOfWork(t *testing.T) {
	genesis := bitcoinGenesis(t)
	limit := BitcoinParams.PowLimit
	limitBits := BigToCompact(limit)
	target, _, _ := CompactToBig(limitBits)
	twice := new(big.Int).Lsh(limit, 1)

	nonce := genesis
	nonce.Nonce++
	flipped := genesis.BlockHash()
	flipped[28] ^= 0x01 // a bit of the zeros the target asks for

	tests := []struct {
		name    string
		hash    [32]byte
		bits    uint32
		limit   *big.Int
		wantErr error
	}{
		{"bitcoin genesis", genesis.BlockHash(), genesis.Bits, limit, nil},
		{"genesis with the next nonce", nonce.BlockHash(), genesis.Bits,
			limit, ErrHighHash},
		{"genesis hash with one bit flipped", flipped, genesis.Bits,
			limit, ErrHighHash},
		{"hash equal to the target", hashOf(t, target), limitBits, limit, nil},
		{"hash one above the target",
			hashOf(t, new(big.Int).Add(target, big.NewInt(1))),
			limitBits, limit, ErrHighHash},
		// Bitcoin Core's CheckProofOfWork_test_* cases.
		{"negative target", hashOf(t, big.NewInt(1)),
			BigToCompact(new(big.Int).Neg(limit)), limit, ErrBadTarget},
		{"overflowing target", hashOf(t, big.NewInt(1)),
			^uint32(compactSignBit), limit, ErrBadTarget},
		{"target easier than the limit", hashOf(t, big.NewInt(1)),
			BigToCompact(twice), limit, ErrBadTarget},
		{"hash bigger than the target", hashOf(t, twice), limitBits,
			limit, ErrHighHash},
		{"zero target", [32]byte{}, 0, limit, ErrBadTarget},
		{"no limit", [32]byte{}, limitBits, nil, ErrBadTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckProofOfWork(tt.hash, tt.bits, tt.limit)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			var rule *RuleError
			assert.ErrorAs(t, err, &rule)
		})
	}
}
