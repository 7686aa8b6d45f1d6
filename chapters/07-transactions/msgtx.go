package transactions

import (
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// CmdTx is the command of MsgTx.
const CmdTx = "tx"

// MsgTx carries one transaction from a peer to a peer, as Bitcoin's tx
// does. In this chapter it is the stem of Dandelion: a transaction
// passed along one path before it is broadcast (chapter 06's items
// message carries it after).
type MsgTx struct{ Tx Tx }

func (m *MsgTx) Command() string          { return CmdTx }
func (m *MsgTx) MaxPayload() uint32       { return MaxTxSize }
func (m *MsgTx) String() string           { return fmt.Sprintf("tx %s", m.Tx.ID()) }
func (m *MsgTx) Encode(w io.Writer) error { return m.Tx.Encode(w) }
func (m *MsgTx) Decode(r io.Reader) error { return m.Tx.Decode(r) }

// Messages returns the factories of this chapter's messages, to
// register beside chapter 02's, 05's and 06's.
func Messages() []func() wire.Message {
	return []func() wire.Message{func() wire.Message { return new(MsgTx) }}
}
