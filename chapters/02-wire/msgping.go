package wire

import "io"

// pingPayload is the size of a ping's or a pong's payload: the nonce.
const pingPayload = 8

// docs:begin ping

// MsgPing asks a peer to answer with a pong carrying the same nonce. It
// shows the connection still works, and timing the answer measures the
// round trip.
type MsgPing struct {
	Nonce uint64 // random; the pong repeats it
}

func (m *MsgPing) Command() string    { return CmdPing }
func (m *MsgPing) MaxPayload() uint32 { return pingPayload }

func (m *MsgPing) Encode(w io.Writer) error {
	e := encoder{w: w}
	e.uint64(m.Nonce)
	return e.err
}

func (m *MsgPing) Decode(r io.Reader) error {
	d := decoder{r: r}
	m.Nonce = d.uint64()
	return d.err
}

// docs:end ping
