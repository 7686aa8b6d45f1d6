package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name    string
		field   string // 12 bytes
		want    string
		wantAt  int // index of the bad byte
		wantErr error
	}{
		{name: "short", field: "ping\x00\x00\x00\x00\x00\x00\x00\x00", want: "ping"},
		{name: "all twelve bytes", field: "sendaddrv2xy", want: "sendaddrv2xy"},
		{name: "punctuation is visible", field: "a-b_c.d!~\x00\x00\x00", want: "a-b_c.d!~"},
		{name: "empty", field: "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 0},
		{name: "space", field: "get data\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 3},
		{name: "newline", field: "ping\n\x00\x00\x00\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 4},
		{name: "DEL", field: "ping\x7f\x00\x00\x00\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 4},
		{name: "high byte", field: "p\xc3\xafng\x00\x00\x00\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 1},
		{name: "byte after the padding", field: "ver\x00ack\x00\x00\x00\x00\x00", wantErr: ErrBadCommand, wantAt: 4},
		{name: "last byte after the padding", field: "ping\x00\x00\x00\x00\x00\x00\x00x", wantErr: ErrBadCommand, wantAt: 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Len(t, tt.field, CommandSize)
			got, at, err := parseCommand([CommandSize]byte([]byte(tt.field)))
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantAt, at)
		})
	}
}
