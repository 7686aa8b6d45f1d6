package wire

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/exercise"
)

func TestChecksum(t *testing.T) {
	tests := []struct {
		name    string
		payload string // hex
		want    string // hex
	}{
		// Every empty payload (a verack, for one) has this checksum.
		{name: "empty", payload: "", want: "5df6e0e2"},
		// "hello", the Bitcoin wiki's example of double SHA-256.
		{name: "hello", payload: "68656c6c6f", want: "9595c9df"},
		// A ping's payload: its nonce, 0x0123456789abcdef.
		{name: "ping", payload: "efcdab8967452301", want: "33bc15e5"},
		// A single zero byte.
		{name: "one byte", payload: "00", want: "1406e058"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			payload, err := hex.DecodeString(tt.payload)
			require.NoError(t, err)
			got := Checksum(payload)
			assert.Equal(t, tt.want, hex.EncodeToString(got[:]))
		})
	}
}
