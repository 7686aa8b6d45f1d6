package sync

import (
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
	blocks "peerchain/chapters/08-blocks"
)

// Commands of this chapter's two messages.
const (
	CmdGetBlockData  = "getblockdata"
	CmdBlockNotFound = "blknotfound"
)

// MaxBlockDataPayload is the largest payload of either message.
const MaxBlockDataPayload = 3 + MaxGetBlockData*blocks.HashSize

// docs:begin getblockdata

// MsgGetBlockData asks a peer for blocks by their hashes, answered with
// one chapter 08 block message each: the body request of the download.
// (Chapter 06's getdata belongs to the broadcast protocol in the
// node's mux, so sync has its own.)
type MsgGetBlockData struct{ Hashes []blocks.Hash }

// MsgBlockNotFound answers the hashes of a getblockdata that the peer
// does not have, so that the asker need not wait for a timeout.
type MsgBlockNotFound struct{ Hashes []blocks.Hash }

// docs:end getblockdata

func (m *MsgGetBlockData) Command() string    { return CmdGetBlockData }
func (m *MsgGetBlockData) MaxPayload() uint32 { return MaxBlockDataPayload }
func (m *MsgGetBlockData) String() string {
	return fmt.Sprintf("getblockdata (%d)", len(m.Hashes))
}
func (m *MsgGetBlockData) Encode(w io.Writer) error { return encodeHashes(w, m.Hashes) }
func (m *MsgGetBlockData) Decode(r io.Reader) (err error) {
	m.Hashes, err = decodeHashes(r)
	return err
}

func (m *MsgBlockNotFound) Command() string    { return CmdBlockNotFound }
func (m *MsgBlockNotFound) MaxPayload() uint32 { return MaxBlockDataPayload }
func (m *MsgBlockNotFound) String() string {
	return fmt.Sprintf("blknotfound (%d)", len(m.Hashes))
}
func (m *MsgBlockNotFound) Encode(w io.Writer) error { return encodeHashes(w, m.Hashes) }
func (m *MsgBlockNotFound) Decode(r io.Reader) (err error) {
	m.Hashes, err = decodeHashes(r)
	return err
}

// encodeHashes writes a CompactSize count and the hashes, refusing more
// than MaxGetBlockData before it writes anything.
func encodeHashes(w io.Writer, hs []blocks.Hash) error {
	if len(hs) > MaxGetBlockData {
		return fmt.Errorf("%w: %d, limit %d", ErrBlockDataSize, len(hs), MaxGetBlockData)
	}
	b := make([]byte, 0, wire.CompactSizeLen(uint64(len(hs)))+len(hs)*blocks.HashSize)
	var cs countingBuffer
	_ = wire.WriteCompactSize(&cs, uint64(len(hs))) // a buffer never fails
	b = append(b, cs...)
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	_, err := w.Write(b)
	return err
}

// decodeHashes reads what encodeHashes wrote; a count over
// MaxGetBlockData is refused before a hash is read.
func decodeHashes(r io.Reader) ([]blocks.Hash, error) {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return nil, err
	}
	if n > MaxGetBlockData {
		return nil, fmt.Errorf("%w: %d, limit %d", ErrBlockDataSize, n, MaxGetBlockData)
	}
	hs := make([]blocks.Hash, n)
	for i := range hs {
		if _, err := io.ReadFull(r, hs[i][:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("hash %d of %d: %w", i, n, err)
		}
	}
	return hs, nil
}

type countingBuffer []byte

func (c *countingBuffer) Write(p []byte) (int, error) {
	*c = append(*c, p...)
	return len(p), nil
}
