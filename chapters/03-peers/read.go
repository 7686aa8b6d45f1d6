package peers

import (
	"errors"
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin read-loop

// readLoop reads messages until the peer closes, and hands each to
// handle. Every read has a deadline, IdleTimeout: a peer that sends
// nothing at all for that long, not even a ping, is gone. Last of all,
// readLoop waits for the writer and the pinger and closes done.
func (p *Peer) readLoop() {
	defer func() {
		p.wg.Wait()
		close(p.done)
	}()
	idle := fmt.Errorf("%w: nothing read for %v",
		ErrIdleTimeout, p.cfg.IdleTimeout)
	for {
		select {
		case <-p.quit: // hand on nothing more, even what is buffered
			return
		default:
		}
		p.conn.SetReadDeadline(time.Now().Add(p.cfg.IdleTimeout))
		msg, size, err := wire.ReadMessage(p.r, p.cfg.Magic,
			p.cfg.Registry)
		if errors.Is(err, wire.ErrUnknownCommand) {
			p.unknown(err, size) // from a newer peer: skipped, as Bitcoin does
			continue
		}
		if err == nil {
			err = p.handle(msg)
		} else {
			err = readError(err, idle)
		}
		if err != nil {
			p.Disconnect(err)
			return
		}
	}
}

// unknown tells OnUnknown of a message whose command the registry does
// not know, which ReadMessage has skipped.
func (p *Peer) unknown(err error, size int) {
	var werr *wire.Error
	if p.cfg.OnUnknown != nil && errors.As(err, &werr) {
		p.cfg.OnUnknown(p, werr.Command, size)
	}
}

// handle acts on one message that arrived after the handshake.
func (p *Peer) handle(msg wire.Message) error {
	switch m := msg.(type) {
	case *wire.MsgPing:
		return p.Send(&wire.MsgPong{Nonce: m.Nonce})
	case *wire.MsgPong:
		rtt, ok := p.pings.pong(m.Nonce, time.Now())
		if ok && p.cfg.OnPong != nil {
			p.cfg.OnPong(p, rtt)
		}
	case *wire.MsgVersion, *wire.MsgVerAck,
		*wire.MsgSendAddrV2, *wire.MsgWtxidRelay:
		// Features are negotiated before verack, or not at all:
		// Bitcoin Core disconnects too.
		return unexpected(msg.Command(), "after the handshake")
	default:
		if p.cfg.OnMessage != nil {
			p.cfg.OnMessage(p, msg)
		}
	}
	return nil
}

// docs:end read-loop
