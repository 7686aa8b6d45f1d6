package wire

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestNetworkName(t *testing.T) {
	tests := []struct {
		name  string
		magic Magic
		want  string
		hex   string
	}{
		{name: "peerchain main", magic: MainNet, want: "peerchain main", hex: "fec3b0d1"},
		{name: "peerchain test", magic: TestNet, want: "peerchain test", hex: "fda7c9e3"},
		{name: "peerchain devnet", magic: DevNet, want: "peerchain devnet", hex: "fc8ed5b6"},
		{name: "bitcoin main", magic: BitcoinMainNet, want: "bitcoin main", hex: "f9beb4d9"},
		{name: "bitcoin testnet3", magic: Magic{0x0b, 0x11, 0x09, 0x07}, want: "bitcoin testnet3", hex: "0b110907"},
		{name: "bitcoin regtest", magic: Magic{0xfa, 0xbf, 0xb5, 0xda}, want: "bitcoin regtest", hex: "fabfb5da"},
		{name: "bitcoin signet", magic: Magic{0x0a, 0x03, 0xcf, 0x40}, want: "bitcoin signet", hex: "0a03cf40"},
		{name: "unknown", magic: Magic{1, 2, 3, 4}, want: "unknown", hex: "01020304"},
		{name: "zero", magic: Magic{}, want: "unknown", hex: "00000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NetworkName(tt.magic))
			assert.Equal(t, tt.hex, tt.magic.String())
		})
	}
}

// TestPeerchainMagics checks what the comment on the magics promises.
func TestPeerchainMagics(t *testing.T) {
	ours := []Magic{MainNet, TestNet, DevNet}
	for _, m := range ours {
		t.Run(NetworkName(m), func(t *testing.T) {
			assert.False(t, utf8.Valid(m[:]), "valid UTF-8")
			for i, b := range m {
				assert.GreaterOrEqual(t, b, byte(0x80), "byte %d is ASCII", i)
			}
			for other, name := range networks {
				if other != m {
					assert.NotEqual(t, NetworkName(m), name, "named twice")
				}
				if strings.HasPrefix(name, "bitcoin") {
					assert.NotEqual(t, other, m, "same as %s", name)
				}
			}
		})
	}
}
