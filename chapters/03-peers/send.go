package peers

import (
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
	var frame bytes.Buffer
	if _, err := wire.WriteMessage(&frame, p.cfg.Magic, msg); err != nil {
		return err
	}
	select {
	case <-p.quit: // checked first: a closed peer may have queue room
		return ErrClosed
	default:
	}
	size, limit := int64(frame.Len()), int64(p.cfg.SendQueueBytes)
	if queued := p.queued.Add(size); queued > limit {
		p.queued.Add(-size)
		return p.tooSlow(fmt.Errorf("%w: %d bytes queued, over %d "+
			"with this %s", ErrSlowPeer, queued, limit, msg.Command()))
	}
	select {
	case p.sendq <- frame.Bytes():
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

// writeLoop writes queued messages until the peer closes. Each write has
// a deadline: a peer that does not take one message in WriteTimeout has
// stopped reading, and its queue would only grow.
func (p *Peer) writeLoop() {
	limit := p.cfg.WriteTimeout
	for {
		select {
		case frame := <-p.sendq:
			p.queued.Add(-int64(len(frame)))
			p.conn.SetWriteDeadline(time.Now().Add(limit))
			if _, err := p.conn.Write(frame); err != nil {
				p.Disconnect(writeError(err, limit))
				return
			}
		case <-p.quit:
			return
		}
	}
}

// docs:end write-loop
