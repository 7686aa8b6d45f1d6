package discovery

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// Limits of an addr message, Bitcoin's.
const (
	// MaxAddrPerMsg is the most addresses one addr message may carry.
	MaxAddrPerMsg = 1000
	// addrEntrySize is one entry: time, services, IPv6 address, port.
	addrEntrySize = 4 + wire.NetAddressSize
	// MaxAddrPayload is the largest addr payload: the count, then
	// MaxAddrPerMsg entries.
	MaxAddrPayload = wire.MaxCompactSizeLen + MaxAddrPerMsg*addrEntrySize
)

// ErrTooManyAddrs is an addr message with more than MaxAddrPerMsg
// entries, on the wire or on its way there.
var ErrTooManyAddrs = errors.New("too many addresses")

// docs:begin addr

// AddrEntry is one address in an addr message: when it was last heard
// of, what it offers, and where it listens.
type AddrEntry struct {
	Time uint32 // seconds since 1970, as Bitcoin's uint32 timestamps
	wire.NetAddress
}

// MsgAddr tells a peer about other nodes. On the wire: a CompactSize
// count, then each entry as 4 bytes of little-endian time, 8 of
// services, 16 of IPv6 (an IPv4 address as ::ffff:a.b.c.d) and 2 of
// big-endian port, 30 bytes in all.
type MsgAddr struct {
	Addrs []AddrEntry
}

// docs:end addr

func (m *MsgAddr) Command() string    { return CmdAddr }
func (m *MsgAddr) MaxPayload() uint32 { return MaxAddrPayload }
func (m *MsgAddr) String() string     { return fmt.Sprintf("addr (%d)", len(m.Addrs)) }

// Encode writes the count and the entries. It refuses more than
// MaxAddrPerMsg, which no peer would accept.
func (m *MsgAddr) Encode(w io.Writer) error {
	if len(m.Addrs) > MaxAddrPerMsg {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyAddrs,
			len(m.Addrs), MaxAddrPerMsg)
	}
	if err := wire.WriteCompactSize(w, uint64(len(m.Addrs))); err != nil {
		return err
	}
	var t [4]byte
	for _, a := range m.Addrs {
		binary.LittleEndian.PutUint32(t[:], a.Time)
		if _, err := w.Write(t[:]); err != nil {
			return err
		}
		if err := wire.WriteNetAddress(w, a.NetAddress); err != nil {
			return err
		}
	}
	return nil
}

// docs:begin addr-decode

// Decode reads an addr payload. A count over MaxAddrPerMsg is refused
// before any entry is read, and the slice grows as entries arrive, so a
// count of 1,000 followed by nothing costs no memory.
func (m *MsgAddr) Decode(r io.Reader) error {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return err
	}
	if n > MaxAddrPerMsg {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyAddrs,
			n, MaxAddrPerMsg)
	}
	m.Addrs = nil
	var t [4]byte
	for range n {
		if _, err := io.ReadFull(r, t[:]); err != nil {
			return unexpected(err)
		}
		na, err := wire.ReadNetAddress(r)
		if err != nil {
			return err
		}
		m.Addrs = append(m.Addrs, AddrEntry{
			Time: binary.LittleEndian.Uint32(t[:]), NetAddress: na})
	}
	return nil
}

// docs:end addr-decode

// unexpected turns a clean end of input inside a payload into
// io.ErrUnexpectedEOF: inside a payload every field is expected.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// docs:begin sim-addr

// How a simulator address travels in an addr message, which only has
// room for an IP and a port: "sim-N" goes as 100.64.0.0 plus N, with
// port 0. 100.64.0.0/10 is shared address space (RFC 6598) and port 0
// is never a real listening port, so no real address is taken.
var simBase = netip.AddrFrom4([4]byte{100, 64, 0, 0})

const simAddrBits = 22 // 100.64.0.0/10 has room for 2^22 nodes

// ToWire returns the address as an addr message carries it, or false
// for one it cannot carry (neither ip:port nor a simulator address).
func ToWire(a simulation.Addr) (netip.AddrPort, bool) {
	if ap, err := netip.ParseAddrPort(string(a)); err == nil {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
	}
	num, ok := strings.CutPrefix(string(a), "sim-")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || n >= 1<<simAddrBits ||
		strconv.Itoa(n) != num {
		return netip.AddrPort{}, false
	}
	b := simBase.As4()
	v := binary.BigEndian.Uint32(b[:]) + uint32(n)
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrPortFrom(netip.AddrFrom4(b), 0), true
}

// FromWire is the address an addr entry names: ToWire undone.
func FromWire(ap netip.AddrPort) simulation.Addr {
	ip := ap.Addr().Unmap()
	if ap.Port() == 0 && ip.Is4() &&
		netip.PrefixFrom(simBase, 32-simAddrBits).Contains(ip) {
		b, base := ip.As4(), simBase.As4()
		n := binary.BigEndian.Uint32(b[:]) - binary.BigEndian.Uint32(base[:])
		return simulation.SimAddr(simulation.NodeID(n))
	}
	return simulation.Addr(netip.AddrPortFrom(ip, ap.Port()).String())
}

// docs:end sim-addr

// unixTime is a Bitcoin timestamp as a time; toUnix the reverse, held
// to what a uint32 can say.
func unixTime(t uint32) time.Time { return time.Unix(int64(t), 0).UTC() }

func toUnix(t time.Time) uint32 {
	return uint32(min(max(t.Unix(), 0), 1<<32-1))
}

// netAddr is an address and its services as an addr entry holds them.
func netAddr(ap netip.AddrPort, services uint64) wire.NetAddress {
	return wire.NetAddress{Services: services, Addr: ap}
}

func wireAddr(ap netip.AddrPort) wire.NetAddress { return netAddr(ap, 0) }
