package forkchoice

import (
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
	blocks "peerchain/chapters/08-blocks"
)

// The simulated network's two messages.
const (
	CmdSimBlock    = "block"
	CmdSimGetBlock = "getblock"
	// MaxSimBlockSize is the largest BlockSize a simulated block may
	// have on the wire: a message's limit, less room for the envelope.
	MaxSimBlockSize = wire.MaxPayload - wire.HeaderSize
	// padChunk is how many zero bytes Encode writes at a time.
	padChunk = 32 << 10
)

var zeros [padChunk]byte

// msgSimBlock is a block as the simulated network carries it: the block
// itself, then Pad zero bytes. The transactions are not simulated, only
// their bytes on the wire: Pad makes the message as big as a full block,
// so a link takes as long to carry it as it would a real one, while each
// node's tree checks and stores a block of a coinbase alone.
type msgSimBlock struct {
	Block *blocks.Block
	Pad   int
	hash  blocks.Hash // Block's, hashed once by its sender (not sent)
}

func newMsgSimBlock(b *blocks.Block, pad int) *msgSimBlock {
	return &msgSimBlock{Block: b, Pad: pad, hash: b.Hash()}
}

func (m *msgSimBlock) Command() string    { return CmdSimBlock }
func (m *msgSimBlock) MaxPayload() uint32 { return MaxSimBlockSize }
func (m *msgSimBlock) String() string {
	return fmt.Sprintf("block %s (+%d bytes)", m.hash.Short(), m.Pad)
}

func (m *msgSimBlock) Encode(w io.Writer) error {
	if err := m.Block.Encode(w); err != nil {
		return err
	}
	for left := m.Pad; left > 0; left -= padChunk {
		if _, err := w.Write(zeros[:min(left, padChunk)]); err != nil {
			return err
		}
	}
	return nil
}

func (m *msgSimBlock) Decode(r io.Reader) error {
	m.Block = new(blocks.Block)
	if err := m.Block.Decode(r); err != nil {
		return err
	}
	m.hash = m.Block.Hash()
	n, err := io.Copy(io.Discard, r)
	m.Pad = int(n)
	return err
}

// msgSimGetBlock asks a peer for a block by its hash: what a node sends
// for the missing parent of a block that came as an orphan. It is the
// least of chapter 11's sync, enough for a branch mined behind a
// partition to reach the other side once it heals.
type msgSimGetBlock struct{ Hash blocks.Hash }

func (m *msgSimGetBlock) Command() string    { return CmdSimGetBlock }
func (m *msgSimGetBlock) MaxPayload() uint32 { return blocks.HashSize }
func (m *msgSimGetBlock) String() string     { return "getblock " + m.Hash.Short() }

func (m *msgSimGetBlock) Encode(w io.Writer) error {
	_, err := w.Write(m.Hash[:])
	return err
}

func (m *msgSimGetBlock) Decode(r io.Reader) error {
	_, err := io.ReadFull(r, m.Hash[:])
	return err
}

// encodedSize is how many bytes a block encodes to.
func encodedSize(b *blocks.Block) int {
	var c countWriter
	_ = b.Encode(&c) // a countWriter never fails
	return int(c)
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
