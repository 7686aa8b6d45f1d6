package wire

import "io"

// MsgVerAck acknowledges a version message. Its payload is empty: the
// command alone says "your version is acceptable".
type MsgVerAck struct{}

func (m *MsgVerAck) Command() string        { return CmdVerAck }
func (m *MsgVerAck) MaxPayload() uint32     { return 0 }
func (m *MsgVerAck) Encode(io.Writer) error { return nil }
func (m *MsgVerAck) Decode(io.Reader) error { return nil }
