package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChecksum(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		want    [4]byte
	}{
		// Every empty payload (verack, getaddr, ...) carries this one.
		{name: "empty", payload: nil, want: [4]byte{0x5d, 0xf6, 0xe0, 0xe2}},
		// The Bitcoin wiki's double SHA-256 example: the hash of
		// "hello" twice is 9595c9df90075148eb...
		{name: "hello", payload: []byte("hello"), want: [4]byte{0x95, 0x95, 0xc9, 0xdf}},
		{name: "wiki version", payload: wikiVersionPayload, want: [4]byte{0x35, 0x8d, 0x49, 0x32}},
		{name: "core 22.0 version", payload: core22VersionPayload, want: [4]byte{0x97, 0x30, 0x2a, 0xf5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Checksum(tt.payload))
		})
	}
}
