package wire

import "io"

// WtxidRelayVersion is the first protocol version that knows wtxidrelay:
// BIP 339 says to ignore one from a peer whose negotiated version is older.
const WtxidRelayVersion uint32 = 70016

// docs:begin wtxidrelay

// MsgWtxidRelay (BIP 339) asks the peer to announce transactions by their
// witness hash (wtxid) rather than their txid. It is sent after version
// and before verack, and its payload is empty.
type MsgWtxidRelay struct{}

func (m *MsgWtxidRelay) Command() string        { return CmdWtxidRelay }
func (m *MsgWtxidRelay) MaxPayload() uint32     { return 0 }
func (m *MsgWtxidRelay) Encode(io.Writer) error { return nil }
func (m *MsgWtxidRelay) Decode(io.Reader) error { return nil }

// docs:end wtxidrelay
