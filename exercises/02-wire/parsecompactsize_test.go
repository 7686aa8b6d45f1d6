package wire

import (
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/exercise"
)

func TestParseCompactSize(t *testing.T) {
	tests := []struct {
		name     string
		in       string // hex
		want     uint64
		wantSize int
		wantErr  error
	}{
		{name: "zero", in: "00", want: 0, wantSize: 1},
		{name: "one byte", in: "64", want: 100, wantSize: 1},
		{name: "largest in one byte", in: "fc", want: 0xfc, wantSize: 1},
		{name: "three bytes", in: "fdfd00", want: 0xfd, wantSize: 3},
		{name: "little-endian", in: "fd3412", want: 0x1234, wantSize: 3},
		{name: "five bytes", in: "fe00000100", want: 0x10000, wantSize: 5},
		{name: "nine bytes", in: "ff0000000001000000", want: 0x100000000, wantSize: 9},
		{name: "largest uint64", in: "ffffffffffffffffff", want: 1<<64 - 1, wantSize: 9},
		{name: "bytes after the number", in: "fd3412aabbcc", want: 0x1234, wantSize: 3},
		{name: "empty", in: "", wantErr: io.ErrUnexpectedEOF},
		{name: "prefix only", in: "fd", wantErr: io.ErrUnexpectedEOF},
		{name: "cut short", in: "fe000001", wantErr: io.ErrUnexpectedEOF},
		{name: "252 in three bytes", in: "fdfc00", wantErr: ErrNonCanonical},
		{name: "zero in three bytes", in: "fd0000", wantErr: ErrNonCanonical},
		{name: "65535 in five bytes", in: "feffff0000", wantErr: ErrNonCanonical},
		{name: "4294967295 in nine bytes", in: "ffffffffff00000000", wantErr: ErrNonCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			in, err := hex.DecodeString(tt.in)
			require.NoError(t, err)
			n, size, err := ParseCompactSize(in)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, n, "value")
			assert.Equal(t, tt.wantSize, size, "size")
		})
	}
}
