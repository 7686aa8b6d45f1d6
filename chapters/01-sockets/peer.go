package sockets

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// Reasons a node closes a connection. The reason reaches the handler in
// the PeerDisconnected event; io.EOF there means the peer hung up.
var (
	ErrIdleTimeout = errors.New("idle timeout")
	ErrSlowPeer    = errors.New("peer too slow to read")
	ErrNodeClosed  = errors.New("node shut down")
)

// docs:begin peer

// peer is one open connection. Its reader goroutine turns lines into
// events; its writer goroutine writes what Broadcast puts in outbox.
// Whichever goroutine hits an error first closes the connection, which
// makes the other one's read or write fail, so both return.
type peer struct {
	conn    net.Conn
	addr    string
	inbound bool
	outbox  chan string   // lines waiting to be written
	closed  chan struct{} // closed when the connection closes

	closeOnce sync.Once
	reason    error       // why it closed; set once, by close
	onClose   func(*peer) // tells the node, once
}

// docs:end peer

func newPeer(conn net.Conn, inbound bool, outboxSize int, onClose func(*peer)) *peer {
	return &peer{
		conn:    conn,
		addr:    conn.RemoteAddr().String(),
		inbound: inbound,
		outbox:  make(chan string, outboxSize),
		closed:  make(chan struct{}),
		onClose: onClose,
	}
}

// docs:begin read-loop

// readLoop reads lines until the connection fails, handing each to
// emit, and last of all reports why the connection closed. Every read
// has a deadline, so a silent peer cannot hold a goroutine and a socket
// forever.
func (p *peer) readLoop(cfg Config, emit func(Event)) {
	r := newLineReader(p.conn, cfg.MaxLineLength)
	for {
		p.conn.SetReadDeadline(time.Now().Add(cfg.IdleTimeout))
		line, err := readLine(r, cfg.MaxLineLength)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = fmt.Errorf("%w: nothing for %v",
					ErrIdleTimeout, cfg.IdleTimeout)
			}
			p.close(err) // does nothing if already closed
			break
		}
		emit(Event{Kind: LineReceived, Peer: p.addr,
			Inbound: p.inbound, Line: line})
	}
	emit(Event{Kind: PeerDisconnected, Peer: p.addr,
		Inbound: p.inbound, Err: p.reason})
}

// docs:end read-loop

// docs:begin write-loop

// writeLoop writes queued lines until the connection closes. A write
// that misses its deadline means the peer is not reading.
func (p *peer) writeLoop(cfg Config) {
	for {
		select {
		case line := <-p.outbox:
			p.conn.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
			_, err := io.WriteString(p.conn, line+"\n")
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = fmt.Errorf("%w: a write took over %v",
					ErrSlowPeer, cfg.WriteTimeout)
			}
			if err != nil {
				p.close(err)
				return
			}
		case <-p.closed:
			return
		}
	}
}

// docs:end write-loop

// docs:begin send

// send queues line for the writer without ever blocking the caller: a
// peer whose outbox is full is too slow, and is disconnected.
func (p *peer) send(line string) bool {
	select {
	case p.outbox <- line:
		return true
	case <-p.closed:
		return false
	default:
		p.close(fmt.Errorf("%w: %d lines queued",
			ErrSlowPeer, cap(p.outbox)))
		return false
	}
}

// docs:end send

// docs:begin close

// close closes the connection once, whoever calls it and however often;
// the first reason wins. Closing the socket makes a read or write
// blocked in the other goroutine return with an error.
func (p *peer) close(reason error) {
	p.closeOnce.Do(func() {
		p.reason = reason
		close(p.closed)
		p.conn.Close()
		p.onClose(p)
	})
}

// docs:end close
