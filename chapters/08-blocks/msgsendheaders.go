package blocks

import "io"

// CmdSendHeaders is the command of MsgSendHeaders.
const CmdSendHeaders = "sendheaders"

// MsgSendHeaders asks a peer to announce new blocks with their headers
// rather than an inv of their hashes (Bitcoin's BIP 130): the receiver
// then needs no getheaders round trip to learn where a block goes. Its
// payload is empty.
type MsgSendHeaders struct{}

func (m *MsgSendHeaders) Command() string        { return CmdSendHeaders }
func (m *MsgSendHeaders) MaxPayload() uint32     { return 0 }
func (m *MsgSendHeaders) String() string         { return CmdSendHeaders }
func (m *MsgSendHeaders) Encode(io.Writer) error { return nil }
func (m *MsgSendHeaders) Decode(io.Reader) error { return nil }
