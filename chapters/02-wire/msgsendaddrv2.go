package wire

import "io"

// docs:begin sendaddrv2

// MsgSendAddrV2 (BIP 155) asks the peer to send addresses in addrv2
// messages, which carry Tor v3, I2P and CJDNS addresses as well as IP
// ones, instead of addr. It is sent after version and before verack, and
// its payload is empty: the command alone says it.
type MsgSendAddrV2 struct{}

func (m *MsgSendAddrV2) Command() string        { return CmdSendAddrV2 }
func (m *MsgSendAddrV2) MaxPayload() uint32     { return 0 }
func (m *MsgSendAddrV2) Encode(io.Writer) error { return nil }
func (m *MsgSendAddrV2) Decode(io.Reader) error { return nil }

// docs:end sendaddrv2
