package pow

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// sliceView is a chain held in a slice: genesis first.
type sliceView []blocks.Header

func (v sliceView) Height() uint64 { return uint64(len(v)) - 1 }

func (v sliceView) HeaderAt(height uint64) (blocks.Header, bool) {
	if height >= uint64(len(v)) {
		return blocks.Header{}, false
	}
	return v[height], true
}

// sparseView is a tall chain of which only some headers are known:
// enough for a retarget 2016 blocks deep without making them all.
type sparseView struct {
	tip     uint64
	headers map[uint64]blocks.Header
}

func (v sparseView) Height() uint64 { return v.tip }

func (v sparseView) HeaderAt(height uint64) (blocks.Header, bool) {
	h, ok := v.headers[height]
	return h, ok && height <= v.tip
}

// hexInt reads a hexadecimal number, "-" allowed.
func hexInt(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	require.True(t, ok, "hex %q", s)
	return n
}

// shifted is word * 256^bytes.
func shifted(word int64, bytes uint) *big.Int {
	return new(big.Int).Lsh(big.NewInt(word), 8*bytes)
}

// chainOf is a chain of n headers with these bits, spacing seconds
// apart, each naming its parent.
func chainOf(n int, bits uint32, start, spacing uint32) sliceView {
	v := make(sliceView, n)
	for i := range v {
		v[i] = blocks.Header{
			Version: 1,
			Time:    start + uint32(i)*spacing,
			Bits:    bits,
		}
		if i > 0 {
			v[i].PrevBlock = v[i-1].BlockHash()
		}
	}
	return v
}

// maxGrind bounds a test's nonce search: at the easy targets the tests
// use, one nonce in eight or better does.
const maxGrind = 1 << 16

// grind sets h's nonce to the first one whose hash is at or below its
// target (below is true) or above it (below is false).
func grind(t *testing.T, h *blocks.Header, below bool) {
	t.Helper()
	target, _, _ := CompactToBig(h.Bits)
	for nonce := range uint32(maxGrind) {
		h.Nonce = nonce
		hash := h.BlockHash()
		if (HashToBig(hash).Cmp(target) <= 0) == below {
			return
		}
	}
	require.FailNow(t, "no nonce found", "bits %08x", h.Bits)
}
