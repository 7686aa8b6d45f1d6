package broadcast

import (
	"fmt"
	"io"
)

// MsgGetData asks a peer for items it announced. The answer is an
// items message with those it has and a notfound with those it has
// not. In the epidemic tree a getdata is also the graft: the peer that
// answers it pushes to the asker from then on. On the wire it is laid
// out as an inv is, with the same limit.
type MsgGetData struct {
	List []InvVect
}

func (m *MsgGetData) Command() string          { return CmdGetData }
func (m *MsgGetData) MaxPayload() uint32       { return MaxInvPayload }
func (m *MsgGetData) String() string           { return fmt.Sprintf("getdata (%d)", len(m.List)) }
func (m *MsgGetData) Encode(w io.Writer) error { return encodeInv(w, m.List) }
func (m *MsgGetData) Decode(r io.Reader) (err error) {
	m.List, err = decodeInv(r)
	return err
}
