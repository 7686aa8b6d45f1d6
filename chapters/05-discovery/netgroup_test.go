package discovery

import (
	"testing"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
)

func TestGroup(t *testing.T) {
	tests := []struct {
		name string
		addr simulation.Addr
		want string
	}{
		{name: "IPv4 with port", addr: "203.0.113.7:8333", want: "203.0"},
		{name: "IPv4 without port", addr: "198.51.100.250", want: "198.51"},
		{name: "same /16, other host", addr: "203.0.200.1:1", want: "203.0"},
		{name: "IPv4-mapped IPv6 is IPv4", addr: "[::ffff:203.0.113.7]:8333", want: "203.0"},
		{name: "IPv6 /32", addr: "[2001:db8:1234::7]:8333", want: "2001:db8::/32"},
		{name: "IPv6 bare", addr: "2600:1f18:abcd::1", want: "2600:1f18::/32"},
		{name: "loopback is its own group", addr: "127.0.0.1:7001", want: "127.0.0.1:7001"},
		{name: "IPv6 loopback", addr: "[::1]:7001", want: "[::1]:7001"},
		{name: "unspecified", addr: "0.0.0.0:8333", want: "0.0.0.0:8333"},
		{name: "simulator address", addr: "sim-42", want: "sim-42"},
		{name: "garbage", addr: "not an address", want: "not an address"},
		{name: "empty", addr: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Group(tt.addr))
		})
	}
}

func TestRoutable(t *testing.T) {
	tests := []struct {
		name string
		addr simulation.Addr
		want bool
	}{
		{name: "public IPv4", addr: "203.0.113.7:8333", want: true},
		{name: "public IPv6", addr: "[2001:db8::7]:8333", want: true},
		{name: "loopback, for the devnet", addr: "127.0.0.1:7001", want: true},
		{name: "private, for the simulator", addr: "10.1.2.3:8333", want: true},
		{name: "simulator address", addr: "sim-7", want: true},
		{name: "unspecified IPv4", addr: "0.0.0.0:8333", want: false},
		{name: "unspecified IPv6", addr: "[::]:8333", want: false},
		{name: "port zero", addr: "203.0.113.7:0", want: false},
		{name: "multicast", addr: "224.0.0.1:8333", want: false},
		{name: "broadcast", addr: "255.255.255.255:8333", want: false},
		{name: "link-local", addr: "169.254.1.1:8333", want: false},
		{name: "IPv6 link-local", addr: "[fe80::1]:8333", want: false},
		{name: "an IP without a port cannot be dialed", addr: "203.0.113.7", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Routable(tt.addr))
		})
	}
}
