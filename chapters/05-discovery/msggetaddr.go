package discovery

import (
	"io"

	wire "peerchain/chapters/02-wire"
)

// docs:begin getaddr

// MsgGetAddr asks a peer for addresses of other nodes it knows. It has
// no payload; the answer is an addr message.
type MsgGetAddr struct{}

func (m *MsgGetAddr) Command() string        { return CmdGetAddr }
func (m *MsgGetAddr) MaxPayload() uint32     { return 0 }
func (m *MsgGetAddr) Encode(io.Writer) error { return nil }
func (m *MsgGetAddr) Decode(io.Reader) error { return nil }

// docs:end getaddr

// Commands of this chapter's messages.
const (
	CmdGetAddr = "getaddr"
	CmdAddr    = "addr"
)

// Messages returns the factories of this chapter's messages, to
// register beside chapter 02's:
//
//	reg, err := wire.NewRegistry(append(wire.BaseMessages(),
//		discovery.Messages()...)...)
func Messages() []func() wire.Message {
	return []func() wire.Message{
		func() wire.Message { return new(MsgGetAddr) },
		func() wire.Message { return new(MsgAddr) },
	}
}
