package discovery

import (
	"net/netip"
	"strconv"
	"strings"

	simulation "peerchain/chapters/04-simulation"
)

// Prefix lengths of a network group: the block of addresses one
// operator is likely to hold. Bitcoin Core uses the same two.
const (
	groupBitsIPv4 = 16 // 203.0.113.7 is in group 203.0
	groupBitsIPv6 = 32 // 2001:db8:1::7 is in group 2001:db8::/32
)

// docs:begin group

// Group returns the network group of an address: the /16 of an IPv4
// address ("203.0" for 203.0.113.7:8333) and the /32 of an IPv6 one
// ("2001:db8::/32"). Addresses in one group probably belong to one
// operator, so the address book and the connection manager spread a
// node's connections over many groups.
//
// A loopback or unspecified IP is its own group, port included, and so
// is anything that is not an IP at all (a simulator's "sim-42"): every
// node of a local devnet, all on 127.0.0.1, then counts as a network of
// its own, as it must for the devnet to connect at all.
func Group(a simulation.Addr) string {
	ip, ok := parseIP(a)
	if !ok || ip.IsLoopback() || ip.IsUnspecified() {
		return string(a)
	}
	if ip.Is4() {
		b := ip.As4()
		parts := make([]string, groupBitsIPv4/8)
		for i := range parts {
			parts[i] = strconv.Itoa(int(b[i]))
		}
		return strings.Join(parts, ".")
	}
	return netip.PrefixFrom(ip, groupBitsIPv6).Masked().String()
}

// docs:end group

// docs:begin routable

// Routable reports whether an address is worth keeping and handing on:
// one another node could dial. It is false for an IP that names no
// single host (unspecified, multicast, broadcast), a link-local IP,
// which only works on its own cable, and a port of 0.
//
// Loopback counts as routable, because the devnet lives on loopback;
// so do private and documentation ranges, because the simulator's
// experiments use them. Bitcoin Core refuses all three on mainnet.
// Anything that is not an IP (a simulator address) is routable.
func Routable(a simulation.Addr) bool {
	ap, err := netip.ParseAddrPort(string(a))
	if err != nil {
		_, isIP := parseIP(a)
		return !isIP // an IP without a port cannot be dialed
	}
	ip := ap.Addr().Unmap()
	switch {
	case ap.Port() == 0, ip.IsUnspecified(), ip.IsMulticast(),
		ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(),
		ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return false
	}
	return true
}

// docs:end routable

// parseIP reads the IP of "ip:port", "[ip6]:port" or a bare IP.
func parseIP(a simulation.Addr) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(string(a)); err == nil {
		return ap.Addr().Unmap(), true
	}
	if ip, err := netip.ParseAddr(string(a)); err == nil {
		return ip.Unmap(), true
	}
	return netip.Addr{}, false
}
