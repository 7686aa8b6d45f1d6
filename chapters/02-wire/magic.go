// Package wire is chapter 02: the bytes two nodes exchange. Every message
// travels in Bitcoin's envelope (network magic, command, payload length,
// checksum, payload); payloads use Bitcoin's encodings (little-endian
// integers, CompactSize lengths). A Registry maps commands to message types,
// so later chapters add messages without editing this one. Decoding never
// trusts a length it is sent: every size is checked against a named limit
// before memory is spent on it, and every failure is an error value that
// says what is wrong and at which byte.
package wire

import "encoding/hex"

// Magic identifies a network. Every message starts with its network's
// magic, and a node rejects a message with any other.
type Magic [4]byte

// String returns the magic in hex, in the order the bytes travel:
// "f9beb4d9".
func (m Magic) String() string { return hex.EncodeToString(m[:]) }

// docs:begin magic

// The networks. Like Bitcoin's, peerchain's magics are four bytes that
// rarely occur in other data: every byte is above 0x7f, so no ASCII text
// contains them, and each begins with a byte that never occurs in UTF-8
// (0xfc to 0xfe). None is one of Bitcoin's, so a peerchain node and a
// Bitcoin node that meet part at the first message.
var (
	// BitcoinMainNet is Bitcoin's main network. peerchain does not
	// speak it; it is here to decode real Bitcoin bytes.
	BitcoinMainNet = Magic{0xf9, 0xbe, 0xb4, 0xd9}

	MainNet = Magic{0xfe, 0xc3, 0xb0, 0xd1} // peerchain's main network
	TestNet = Magic{0xfd, 0xa7, 0xc9, 0xe3} // a network for testing
	DevNet  = Magic{0xfc, 0x8e, 0xd5, 0xb6} // a local network, 127.0.0.1
)

// docs:end magic

// networks names every magic this package recognises: peerchain's and
// Bitcoin's, so that bytes from any of them can be told apart.
var networks = map[Magic]string{
	MainNet:                  "peerchain main",
	TestNet:                  "peerchain test",
	DevNet:                   "peerchain devnet",
	BitcoinMainNet:           "bitcoin main",
	{0x0b, 0x11, 0x09, 0x07}: "bitcoin testnet3",
	{0x1c, 0x16, 0x3f, 0x28}: "bitcoin testnet4",
	{0x0a, 0x03, 0xcf, 0x40}: "bitcoin signet",
	{0xfa, 0xbf, 0xb5, 0xda}: "bitcoin regtest",
}

// NetworkName names the network a magic belongs to: "peerchain devnet",
// "bitcoin main", or "unknown".
func NetworkName(m Magic) string {
	if name, ok := networks[m]; ok {
		return name
	}
	return "unknown"
}
