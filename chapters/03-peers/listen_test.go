package peers

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

func TestInfoListen(t *testing.T) {
	tcp := func(s string) net.Addr { return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s)) }
	from := func(s string) wire.MsgVersion {
		return wire.MsgVersion{AddrFrom: wire.NetAddress{Addr: netip.MustParseAddrPort(s)}}
	}
	pipe, _ := net.Pipe()
	defer pipe.Close()
	tests := []struct {
		name string
		info Info
		want string // "" for the zero AddrPort
	}{
		{name: "we dialed: where we dialed", info: Info{RemoteAddr: tcp("192.0.2.7:8333"), Version: from("198.51.100.1:9999")}, want: "192.0.2.7:8333"},
		{name: "we dialed, over IPv6", info: Info{RemoteAddr: tcp("[2001:db8::7]:8333")}, want: "[2001:db8::7]:8333"},
		{name: "we dialed an IPv4-mapped address", info: Info{RemoteAddr: tcp("[::ffff:192.0.2.7]:8333")}, want: "192.0.2.7:8333"},
		{name: "we dialed over a pipe", info: Info{RemoteAddr: pipe.RemoteAddr()}},
		{name: "we dialed, no address", info: Info{}},
		{name: "they dialed: what they said", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("198.51.100.1:8333")}, want: "198.51.100.1:8333"},
		{name: "they said 0.0.0.0: the connection's IP", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("0.0.0.0:8333")}, want: "192.0.2.7:8333"},
		{name: "they said [::]: the connection's IP", info: Info{Inbound: true, RemoteAddr: tcp("[2001:db8::7]:50123"), Version: from("[::]:8333")}, want: "[2001:db8::7]:8333"},
		{name: "they said [::], over IPv4", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("[::]:8333")}, want: "192.0.2.7:8333"},
		{name: "they said 0.0.0.0, from a mapped IPv4", info: Info{Inbound: true, RemoteAddr: tcp("[::ffff:192.0.2.7]:50123"), Version: from("0.0.0.0:8333")}, want: "192.0.2.7:8333"},
		{name: "they said ::ffff:0.0.0.0", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("[::ffff:0.0.0.0]:8333")}, want: "192.0.2.7:8333"},
		{name: "they said a mapped IPv4", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("[::ffff:198.51.100.1]:8333")}, want: "198.51.100.1:8333"},
		{name: "port 0: they do not listen", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("198.51.100.1:0")}},
		{name: "[::]:0, as Bitcoin Core sends", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123"), Version: from("[::]:0")}},
		{name: "no address at all", info: Info{Inbound: true, RemoteAddr: tcp("192.0.2.7:50123")}},
		{name: "unspecified, over a pipe", info: Info{Inbound: true, RemoteAddr: pipe.RemoteAddr(), Version: from("0.0.0.0:8333")}},
		{name: "specified, over a pipe", info: Info{Inbound: true, RemoteAddr: pipe.RemoteAddr(), Version: from("127.0.0.1:8401")}, want: "127.0.0.1:8401"},
		{name: "unspecified, no remote", info: Info{Inbound: true, Version: from("0.0.0.0:8333")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.info.Listen()
			if tt.want == "" {
				assert.Equal(t, netip.AddrPort{}, got)
				return
			}
			assert.Equal(t, netip.MustParseAddrPort(tt.want), got)
		})
	}
}

// TestInfoListenOverTCP checks Listen on both ends of a real connection:
// the dialer's version says 0.0.0.0 and its real listening port.
func TestInfoListenOverTCP(t *testing.T) {
	lcfg := testConfig(theirNonce)
	listener := listen(t, lcfg)
	dcfg := testConfig(ourNonce)
	dcfg.ListenAddr = netip.MustParseAddrPort("0.0.0.0:8401")
	dialer := &node{cfg: dcfg}

	out, err := dialer.dial(t, listener.addr)
	require.NoError(t, err)
	in, err := listener.accept(t)
	require.NoError(t, err)
	assert.Equal(t, netip.MustParseAddrPort(listener.addr), out.Info().Listen(), "where we dialed")
	assert.Equal(t, netip.MustParseAddrPort("127.0.0.1:8401"), in.Info().Listen(),
		"0.0.0.0 becomes the connection's IP, with the port it said")
}
