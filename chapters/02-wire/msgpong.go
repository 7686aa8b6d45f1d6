package wire

import "io"

// docs:begin pong

// MsgPong answers a ping. Its payload is the ping's: the same nonce, so
// the pinger knows which ping it answers.
type MsgPong struct {
	Nonce uint64 // the nonce of the ping it answers
}

func (m *MsgPong) Command() string    { return CmdPong }
func (m *MsgPong) MaxPayload() uint32 { return pingPayload }

// A pong is encoded exactly as a ping: the two struct types are the same
// shape, so one converts to the other.
func (m *MsgPong) Encode(w io.Writer) error { return (*MsgPing)(m).Encode(w) }
func (m *MsgPong) Decode(r io.Reader) error { return (*MsgPing)(m).Decode(r) }

// docs:end pong
