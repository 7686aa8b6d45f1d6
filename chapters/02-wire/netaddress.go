package wire

import (
	"encoding/binary"
	"io"
	"net/netip"
)

// NetAddressSize is the size of an encoded NetAddress.
const NetAddressSize = 8 + 16 + 2 // services, IPv6 address, port

// NetAddress is a node's address as Bitcoin sends it, without the time
// field that addr messages add: the services the node offers, its IP
// address and its port.
type NetAddress struct {
	Services uint64
	Addr     netip.AddrPort
}

// docs:begin net-address

// WriteNetAddress writes a: services as a little-endian uint64, the
// address as 16 bytes of IPv6 (an IPv4 address as ::ffff:a.b.c.d) and the
// port big-endian, network byte order, as in the socket API. The zero
// AddrPort is written as [::]:0.
func WriteNetAddress(w io.Writer, a NetAddress) error {
	var b [NetAddressSize]byte
	binary.LittleEndian.PutUint64(b[0:8], a.Services)
	ip := a.Addr.Addr().As16()
	copy(b[8:24], ip[:])
	binary.BigEndian.PutUint16(b[24:26], a.Addr.Port())
	_, err := w.Write(b[:])
	return err
}

// docs:end net-address

// ReadNetAddress reads an address written by WriteNetAddress. An IPv4
// address comes back as IPv4 (1.2.3.4, not ::ffff:1.2.3.4), which writes
// back to the same bytes.
func ReadNetAddress(r io.Reader) (NetAddress, error) {
	var b [NetAddressSize]byte
	if err := readFull(r, b[:]); err != nil {
		return NetAddress{}, err
	}
	ip := netip.AddrFrom16([16]byte(b[8:24])).Unmap()
	port := binary.BigEndian.Uint16(b[24:26])
	return NetAddress{
		Services: binary.LittleEndian.Uint64(b[0:8]),
		Addr:     netip.AddrPortFrom(ip, port),
	}, nil
}
