package simulation

import (
	"encoding/binary"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// CmdHave is the command of MsgHave.
const CmdHave = "have"

// MaxHave bounds how many rumor IDs one MsgHave lists.
const MaxHave = 64

// MsgHave lists the rumors a node knows, by ID: a digest, for the lab's
// anti-entropy. A node that gets one can tell what the sender lacks (and
// send it) and what it lacks itself (and ask for it, with a MsgHave of
// its own). An empty list says "I know nothing yet".
//
// Using it is up to you: a Gossip that needs no digest may ignore it.
type MsgHave struct {
	Rumors []uint64
}

func (m *MsgHave) Command() string    { return CmdHave }
func (m *MsgHave) String() string     { return fmt.Sprintf("have %v", m.Rumors) }
func (m *MsgHave) MaxPayload() uint32 { return 9 + 8*MaxHave }

func (m *MsgHave) Encode(w io.Writer) error {
	if len(m.Rumors) > MaxHave {
		return fmt.Errorf("have: %w: %d rumors, limit %d", wire.ErrTooLong, len(m.Rumors), MaxHave)
	}
	if err := wire.WriteCompactSize(w, uint64(len(m.Rumors))); err != nil {
		return err
	}
	b := make([]byte, 0, 8*len(m.Rumors))
	for _, id := range m.Rumors {
		b = binary.LittleEndian.AppendUint64(b, id)
	}
	_, err := w.Write(b)
	return err
}

func (m *MsgHave) Decode(r io.Reader) error {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return err
	}
	if n > MaxHave {
		return fmt.Errorf("have: %w: %d rumors, limit %d", wire.ErrTooLong, n, MaxHave)
	}
	m.Rumors = make([]uint64, n)
	var b [8]byte
	for i := range m.Rumors {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return err
		}
		m.Rumors[i] = binary.LittleEndian.Uint64(b[:])
	}
	return nil
}
