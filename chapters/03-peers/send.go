package peers

import (
	"bufio"
	"bytes"
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin send

// Send queues msg to be written to the peer. It never blocks, so a slow
// peer cannot hold up the goroutine that sends to it. If the queue is
// full, in messages or in bytes, the peer is reading slower than we
// send: Send disconnects it with ErrSlowPeer and returns that. Once the
// peer is closing, Send returns ErrClosed. A message that cannot be
// encoded is refused with the wire package's error, and the peer stays
// open: the fault is ours.
func (p *Peer) Send(msg wire.Message) error {
	f, err := EncodeFrame(p.cfg.Magic, msg)
	if err != nil {
		return err
	}
	return p.SendFrame(f)
}

// SendFrame queues a message encoded once with EncodeFrame, as Send
// does: a message for many peers need not be encoded for each.
func (p *Peer) SendFrame(f Frame) error {
	if f.magic != p.cfg.Magic {
		return fmt.Errorf("%w: a %s frame for %s, on %s", ErrWrongNetwork,
			f.command, wire.NetworkName(f.magic), wire.NetworkName(p.cfg.Magic))
	}
	select {
	case <-p.quit: // checked first: a closed peer may have queue room
		return ErrClosed
	default:
	}
	size, limit := int64(len(f.bytes)), int64(p.cfg.SendQueueBytes)
	if queued := p.queued.Add(size); queued > limit {
		p.queued.Add(-size)
		return p.tooSlow(fmt.Errorf("%w: %d bytes queued, over %d "+
			"with this %s", ErrSlowPeer, queued, limit, f.command))
	}
	select {
	case p.sendq <- f.bytes:
		return nil
	case <-p.quit:
		p.queued.Add(-size)
		return ErrClosed
	default:
		p.queued.Add(-size)
		return p.tooSlow(fmt.Errorf("%w: %d messages queued",
			ErrSlowPeer, cap(p.sendq)))
	}
}

// tooSlow disconnects the peer for err, and returns it.
func (p *Peer) tooSlow(err error) error {
	p.Disconnect(err)
	return err
}

// docs:end send

// docs:begin write-loop

// writeLoop writes queued messages until the peer closes. It writes
// through a buffer and flushes when the queue is empty, so a burst of
// small messages costs one system call, not one each. Each write has a
// deadline: a peer that does not take a message in WriteTimeout has
// stopped reading, and its queue would only grow.
func (p *Peer) writeLoop() {
	w := bufio.NewWriterSize(p.conn, writeBufferSize)
	for {
		select {
		case frame := <-p.sendq:
			if err := p.writeBatch(w, frame); err != nil {
				p.Disconnect(err)
				return
			}
		case <-p.quit:
			return
		}
	}
}

// writeBatch writes frame, then whatever else is queued, then flushes.
func (p *Peer) writeBatch(w *bufio.Writer, frame []byte) error {
	limit := p.cfg.WriteTimeout
	for {
		p.queued.Add(-int64(len(frame)))
		p.conn.SetWriteDeadline(time.Now().Add(limit))
		if _, err := w.Write(frame); err != nil {
			return writeError(err, limit)
		}
		select {
		case frame = <-p.sendq:
			continue
		default:
		}
		p.conn.SetWriteDeadline(time.Now().Add(limit))
		if err := w.Flush(); err != nil {
			return writeError(err, limit)
		}
		return nil
	}
}

// docs:end write-loop

// writeBufferSize is the writer's buffer: a burst of messages up to this
// size goes out in one system call.
const writeBufferSize = 64 << 10 // 64 KiB

// Frame is a message encoded for one network, envelope and all, ready
// to be queued for any number of peers with SendFrame.
type Frame struct {
	magic   wire.Magic
	command string
	bytes   []byte // never changed once made: peers share it
}

// EncodeFrame encodes msg for the network magic, failing as
// wire.WriteMessage does.
func EncodeFrame(magic wire.Magic, msg wire.Message) (Frame, error) {
	var b bytes.Buffer
	if _, err := wire.WriteMessage(&b, magic, msg); err != nil {
		return Frame{}, err
	}
	return Frame{magic: magic, command: msg.Command(), bytes: b.Bytes()}, nil
}

// Len is the frame's size on the wire.
func (f Frame) Len() int { return len(f.bytes) }
