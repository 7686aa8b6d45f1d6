package broadcast

import (
	"fmt"
	"io"
)

// MsgNotFound answers a getdata for items the peer does not have (any
// more): the asker tries another peer that announced them. On the wire
// it is laid out as an inv is, with the same limit.
type MsgNotFound struct {
	List []InvVect
}

func (m *MsgNotFound) Command() string          { return CmdNotFound }
func (m *MsgNotFound) MaxPayload() uint32       { return MaxInvPayload }
func (m *MsgNotFound) String() string           { return fmt.Sprintf("notfound (%d)", len(m.List)) }
func (m *MsgNotFound) Encode(w io.Writer) error { return encodeInv(w, m.List) }
func (m *MsgNotFound) Decode(r io.Reader) (err error) {
	m.List, err = decodeInv(r)
	return err
}
