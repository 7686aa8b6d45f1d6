package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

// field makes a command field: the given bytes, then NULs up to 12.
func field(s string) [12]byte {
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
		{name: "verack", field: field("verack"), want: "verack"},
		{name: "ping", field: field("ping"), want: "ping"},
		{name: "all twelve bytes", field: field("abcdefghijkl"), want: "abcdefghijkl"},
		{name: "punctuation", field: field("a-b!~"), want: "a-b!~"},
		{name: "one character", field: field("x"), want: "x"},
		{name: "empty", field: field(""), wantErr: ErrBadCommand},
		{name: "data after the padding", field: field("ver\x00ack"), wantErr: ErrBadCommand},
		{name: "last byte after the padding", field: field("ping\x00\x00\x00\x00\x00\x00\x00!"), wantErr: ErrBadCommand},
		{name: "space", field: field("get data"), wantErr: ErrBadCommand},
		{name: "newline", field: field("ping\n"), wantErr: ErrBadCommand},
		{name: "DEL", field: field("ping\x7f"), wantErr: ErrBadCommand},
		{name: "not ASCII", field: field("p\xc3\xafng"), wantErr: ErrBadCommand},
		{name: "padded with spaces", field: field("ping        "), wantErr: ErrBadCommand},
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
