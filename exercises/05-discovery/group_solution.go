//go:build solution

package discovery

import (
	"fmt"
	"net/netip"

	simulation "peerchain/chapters/04-simulation"
)

// Group returns the network group of an address.
func Group(a simulation.Addr) string {
	ip, err := netip.ParseAddr(string(a))
	if ap, perr := netip.ParseAddrPort(string(a)); perr == nil {
		ip, err = ap.Addr(), nil
	}
	ip = ip.Unmap()
	if err != nil || ip.IsLoopback() || ip.IsUnspecified() {
		return string(a)
	}
	if ip.Is4() {
		b := ip.As4()
		return fmt.Sprintf("%d.%d", b[0], b[1])
	}
	return netip.PrefixFrom(ip, 32).Masked().String()
}
