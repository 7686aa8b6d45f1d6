package wire

import (
	"bytes"
	"io"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

var netAddressTests = []struct {
	name string
	addr NetAddress
	raw  []byte
}{
	{
		// The address in the Bitcoin wiki's addr example.
		name: "ipv4",
		addr: NetAddress{Services: 1, Addr: netip.MustParseAddrPort("10.0.0.1:8333")},
		raw:  testbytes.MustHex("0100000000000000 00000000000000000000ffff0a000001 208d"),
	},
	{
		name: "ipv6",
		addr: NetAddress{Services: 0x409, Addr: netip.MustParseAddrPort("[2001:db8::7]:18444")},
		raw:  testbytes.MustHex("0904000000000000 20010db8000000000000000000000007 480c"),
	},
	{
		name: "ipv6 unspecified",
		addr: NetAddress{Addr: netip.MustParseAddrPort("[::]:0")},
		raw:  testbytes.MustHex("0000000000000000 00000000000000000000000000000000 0000"),
	},
	{
		name: "loopback, highest port",
		addr: NetAddress{Services: 1<<64 - 1, Addr: netip.MustParseAddrPort("127.0.0.1:65535")},
		raw:  testbytes.MustHex("ffffffffffffffff 00000000000000000000ffff7f000001 ffff"),
	},
}

func TestNetAddress(t *testing.T) {
	for _, tt := range netAddressTests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteNetAddress(&buf, tt.addr))
			assertBytes(t, tt.raw, buf.Bytes())

			got, err := ReadNetAddress(bytes.NewReader(tt.raw))
			require.NoError(t, err)
			assert.Equal(t, tt.addr, got)
		})
	}
}

func TestNetAddressErrors(t *testing.T) {
	for _, tt := range netAddressTests {
		t.Run(tt.name, func(t *testing.T) {
			for cut := range len(tt.raw) {
				_, err := ReadNetAddress(bytes.NewReader(tt.raw[:cut]))
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
			}
			for budget := range len(tt.raw) {
				err := WriteNetAddress(&testbytes.FailWriter{Budget: budget}, tt.addr)
				assert.ErrorIs(t, err, testbytes.ErrWrite, "fail after %d", budget)
			}
		})
	}
}

// TestNetAddressZero: the zero address has no bytes of its own; it is
// sent as [::]:0.
func TestNetAddressZero(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteNetAddress(&buf, NetAddress{}))
	assertBytes(t, make([]byte, NetAddressSize), buf.Bytes())
}
