package wire

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestAppendCompactSize(t *testing.T) {
	tests := []struct {
		name string
		n    uint64
		want string // hex
	}{
		{name: "zero", n: 0, want: "00"},
		{name: "one byte", n: 100, want: "64"},
		{name: "largest in one byte", n: 0xfc, want: "fc"},
		{name: "smallest in three bytes", n: 0xfd, want: "fdfd00"},
		{name: "little-endian", n: 0x1234, want: "fd3412"},
		{name: "largest in three bytes", n: 0xffff, want: "fdffff"},
		{name: "smallest in five bytes", n: 0x10000, want: "fe00000100"},
		{name: "largest in five bytes", n: 0xffffffff, want: "feffffffff"},
		{name: "smallest in nine bytes", n: 0x100000000, want: "ff0000000001000000"},
		{name: "largest uint64", n: 1<<64 - 1, want: "ffffffffffffffffff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, tt.want, hex.EncodeToString(AppendCompactSize(nil, tt.n)))
		})
	}
}

// TestAppendCompactSize_Appends: the bytes go after what b already holds.
func TestAppendCompactSize_Appends(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	got := AppendCompactSize([]byte{0xaa, 0xbb}, 0x1234)
	assert.Equal(t, "aabbfd3412", hex.EncodeToString(got))
}
