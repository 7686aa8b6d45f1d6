package blocks

import (
	"fmt"
	"io"
)

// CmdBlock is the command of MsgBlock.
const CmdBlock = "block"

// MsgBlock carries one block, as Bitcoin's block does: the answer to a
// getdata for a block's hash.
type MsgBlock struct{ Block Block }

func (m *MsgBlock) Command() string          { return CmdBlock }
func (m *MsgBlock) MaxPayload() uint32       { return MaxBlockSize }
func (m *MsgBlock) String() string           { return fmt.Sprintf("block %s", m.Block.Hash().Short()) }
func (m *MsgBlock) Encode(w io.Writer) error { return m.Block.Encode(w) }
func (m *MsgBlock) Decode(r io.Reader) error { return m.Block.Decode(r) }
