package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

// pcField makes a command field: the given bytes, then NULs up to 12.
func pcField(s string) [12]byte {
	var f [12]byte
	copy(f[:], s)
	return f
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name    string
		field   [12]byte
		want    string
		wantErr error
	}{
		{name: "verack", field: pcField("verack"), want: "verack"},
		{name: "ping", field: pcField("ping"), want: "ping"},
		{name: "all twelve bytes", field: pcField("abcdefghijkl"), want: "abcdefghijkl"},
		{name: "punctuation", field: pcField("a-b!~"), want: "a-b!~"},
		{name: "one character", field: pcField("x"), want: "x"},
		{name: "empty", field: pcField(""), wantErr: ErrBadCommand},
		{name: "data after the padding", field: pcField("ver\x00ack"), wantErr: ErrBadCommand},
		{name: "last byte after the padding", field: pcField("ping\x00\x00\x00\x00\x00\x00\x00!"), wantErr: ErrBadCommand},
		{name: "space", field: pcField("get data"), wantErr: ErrBadCommand},
		{name: "newline", field: pcField("ping\n"), wantErr: ErrBadCommand},
		{name: "DEL", field: pcField("ping\x7f"), wantErr: ErrBadCommand},
		{name: "not ASCII", field: pcField("p\xc3\xafng"), wantErr: ErrBadCommand},
		{name: "padded with spaces", field: pcField("ping        "), wantErr: ErrBadCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			got, err := ParseCommand(tt.field)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
