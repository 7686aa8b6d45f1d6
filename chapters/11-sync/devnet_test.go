package sync

import (
	"bufio"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// devnetFixture is ten blocks mined once on the real devnet, at its
// genesis bits (a million hashes each): a main branch of six from
// genesis and a side branch of four. It is the final node's fixture
// (final/node/testdata), copied: a chapter does not read final/.
const devnetFixture = "testdata/devnet_blocks.hex"

func devnetHeaders(t *testing.T) []blocks.Header {
	f, err := os.Open(devnetFixture)
	require.NoError(t, err)
	defer f.Close()
	var out []blocks.Header
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 2*blocks.MaxBlockSize)
	for sc.Scan() {
		raw, err := hex.DecodeString(sc.Text())
		require.NoError(t, err)
		b, err := blocks.ParseBlock(raw)
		require.NoError(t, err)
		out = append(out, b.Header)
	}
	require.NoError(t, sc.Err())
	require.Len(t, out, 10)
	return out
}

// TestDevnetHeaders checks the header rules on real proof of work: the
// devnet's mined headers are kept, on both branches, and the most work
// wins; a header whose nonce is changed is refused, as is one whose
// bits are not the devnet's.
func TestDevnetHeaders(t *testing.T) {
	hs := devnetHeaders(t)
	now := blocks.DevNet.Genesis.Header.Timestamp().Add(24 * time.Hour)
	rules := []blocks.HeaderRule{pow.HeaderRule(pow.DevNetParams)}
	ht, err := NewHeaderTree(blocks.DevNet, rules)
	require.NoError(t, err)
	for i, h := range hs {
		_, isNew, err := ht.Add(h, now, 0)
		require.NoError(t, err, "header %d", i)
		assert.True(t, isNew)
	}
	assert.Equal(t, 11, ht.Len())
	assert.Equal(t, uint64(6), ht.Best().Height, "the six-block branch")

	tests := []struct {
		name    string
		edit    func(h *blocks.Header)
		wantErr error
	}{
		{"nonce changed", func(h *blocks.Header) { h.Nonce++ }, pow.ErrHighHash},
		{"easier bits", func(h *blocks.Header) { h.Bits = 0x207fffff }, pow.ErrBadBits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh, err := NewHeaderTree(blocks.DevNet, rules)
			require.NoError(t, err)
			h := hs[0]
			tt.edit(&h)
			_, _, err = fresh.Add(h, now, 0)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, 1, fresh.Len())
		})
	}
}
