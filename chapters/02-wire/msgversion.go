package wire

import (
	"fmt"
	"io"
)

// docs:begin protocol-versions

// Protocol versions. A node says which version it speaks in its version
// message, so that two nodes of different ages can agree on what both
// understand. peerchain uses Bitcoin's numbers, so that a learner's node
// can shake hands with a Bitcoin node: Bitcoin implementations refuse a
// version as low as 1 (btcd's floor is 209, Bitcoin Core's 31800).
const (
	// ProtocolVersion is Bitcoin Core's since 0.21 (BIP 339): a peer of
	// this version may negotiate features between version and verack.
	ProtocolVersion uint32 = 70016
	// MinProtocolVersion is BIP 31's, the first whose pong carries the
	// ping's nonce: an older peer could not answer our keepalive pings.
	MinProtocolVersion uint32 = 60001
)

// docs:end protocol-versions

// MaxUserAgentLen bounds MsgVersion.UserAgent, as it does in Bitcoin Core.
const MaxUserAgentLen = 256

// versionFixedLen is the part of a version payload before the user agent:
// protocol version, services, timestamp, two addresses and the nonce.
const versionFixedLen = 4 + 8 + 8 + 2*NetAddressSize + 8

// maxVersionPayload is the longest version payload: the fixed part, the
// longest user agent and its 3-byte CompactSize length, the start height
// and the relay flag.
const maxVersionPayload = versionFixedLen + 3 + MaxUserAgentLen + 4 + 1

// docs:begin version

// MsgVersion is the first message each side of a connection sends: who it
// is and what it can do. It is Bitcoin's version message, field for field
// and byte for byte, so a real Bitcoin version decodes.
type MsgVersion struct {
	ProtocolVersion uint32     // Bitcoin encodes it as int32: same bytes
	Services        uint64     // a bit for each service the node offers
	Timestamp       int64      // the sender's clock, in unix seconds
	AddrRecv        NetAddress // how the sender sees the receiver
	AddrFrom        NetAddress // where the sender listens
	// Nonce is random, picked once by each node. A node that receives
	// its own nonce has connected to itself.
	Nonce       uint64
	UserAgent   string // software and version, at most MaxUserAgentLen
	StartHeight int32  // the height of the sender's best block
	// Relay says whether the sender wants transactions announced to
	// it (BIP 37). A light node that only follows blocks turns it off.
	Relay bool
}

// docs:end version

func (m *MsgVersion) Command() string    { return CmdVersion }
func (m *MsgVersion) MaxPayload() uint32 { return maxVersionPayload }

// docs:begin version-encode

// Encode writes the fields in order, little-endian.
func (m *MsgVersion) Encode(w io.Writer) error {
	if len(m.UserAgent) > MaxUserAgentLen {
		return fmt.Errorf("user agent: %w: %d bytes, limit %d",
			ErrTooLong, len(m.UserAgent), MaxUserAgentLen)
	}
	e := encoder{w: w}
	e.uint32(m.ProtocolVersion)
	e.uint64(m.Services)
	e.uint64(uint64(m.Timestamp))
	e.netAddress(m.AddrRecv)
	e.netAddress(m.AddrFrom)
	e.uint64(m.Nonce)
	e.varString(m.UserAgent)
	e.uint32(uint32(m.StartHeight))
	e.bool(m.Relay)
	return e.err
}

// Decode reads the fields in the same order. The relay flag came last,
// with BIP 37; a payload that ends before it means Relay is true.
func (m *MsgVersion) Decode(r io.Reader) error {
	d := decoder{r: r}
	m.ProtocolVersion = d.uint32()
	m.Services = d.uint64()
	m.Timestamp = int64(d.uint64())
	m.AddrRecv = d.netAddress()
	m.AddrFrom = d.netAddress()
	m.Nonce = d.uint64()
	m.UserAgent = d.varString("user agent", MaxUserAgentLen)
	m.StartHeight = int32(d.uint32())
	m.Relay = d.optionalBool("relay", true)
	return d.err
}

// docs:end version-encode
