package pow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
)

// child is a header extending parent's tip, with these bits and the
// first nonce that puts its hash below (or above) their target.
func child(t *testing.T, parent sliceView, bits uint32, below bool) blocks.Header {
	t.Helper()
	tip := parent[len(parent)-1]
	h := blocks.Header{
		Version:   1,
		PrevBlock: tip.BlockHash(),
		Time:      tip.Time + 1,
		Bits:      bits,
	}
	grind(t, &h, below)
	return h
}

func TestHeaderRule(t *testing.T) {
	p := DevNetParams
	rule := HeaderRule(p)
	short := chainOf(5, 0x207fffff, 1000, 1)
	// Twelve blocks a second apart: the next is a retarget, four
	// times harder.
	fast := chainOf(12, 0x207fffff, 1000, 1)
	require.Equal(t, uint32(0x201fffff), NextWorkRequired(p, fast))
	// A chain whose bits are past the limit: the work check says so.
	tooEasy := chainOf(5, 0x2100ffff, 1000, 1)

	tests := []struct {
		name    string
		parent  sliceView
		header  blocks.Header
		wantErr error
	}{
		{"the parent's bits and a hash below them", short,
			child(t, short, 0x207fffff, true), nil},
		{"a hash above the target", short,
			child(t, short, 0x207fffff, false), ErrHighHash},
		{"harder bits are wrong bits too", short,
			child(t, short, 0x201fffff, true), ErrBadBits},
		{"the retarget's bits", fast,
			child(t, fast, 0x201fffff, true), nil},
		{"the old bits at a retarget", fast,
			child(t, fast, 0x207fffff, true), ErrBadBits},
		{"bits past the limit", tooEasy,
			child(t, tooEasy, 0x2100ffff, true), ErrBadTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rule(&tt.header, tt.parent)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestHeaderRuleWith(t *testing.T) {
	p := DevNetParams
	parent := chainOf(5, 0x207fffff, 1000, 1)
	always := func(Params, blocks.ChainView) uint32 { return 0x201fffff }
	rule := HeaderRuleWith(p, always)

	mine := child(t, parent, 0x201fffff, true)
	assert.NoError(t, rule(&mine, parent), "the given retarget's bits")
	theirs := child(t, parent, 0x207fffff, true)
	assert.ErrorIs(t, rule(&theirs, parent), ErrBadBits)
	assert.ErrorIs(t, HeaderRule(p)(&mine, parent), ErrBadBits,
		"the reference rule disagrees")
}
