package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
	labpeers "peerchain/exercises/03-peers"
	"peerchain/tools/exercise"
)

// labStep is the learner's Step; a test may put its own in its place.
var labStep = labpeers.Step

// checkLab finds out whether the learner has started Step, which --lab
// runs; the demo cannot shake hands without it.
func checkLab() error {
	err := exercise.Try(func() { labStep(labpeers.State{}, false, wire.CmdVersion) })
	if err != nil {
		return fmt.Errorf("--lab runs your Step from exercises/03-peers, but %w", err)
	}
	return nil
}

// labConn is a connection whose handshake the learner's Step drives
// (--lab): it reads each message, asks Step what to answer, and sends
// that. Once Step says Ready it answers pings, pings the peer, and hands
// Step every message still, as the chapter's Peer does with its rules.
type labConn struct {
	n       *node
	conn    net.Conn
	inbound bool
	reg     *wire.Registry
	state   labpeers.State
	version *wire.MsgVersion // theirs

	wmu sync.Mutex // one write at a time: the reader answers pings, the pinger pings

	mu      sync.Mutex
	pending map[uint64]time.Time // our pings waiting for their pong
	trips   int
}

// serveLab runs a connection in lab mode until it closes.
func (n *node) serveLab(ctx context.Context, conn net.Conn, inbound bool) error {
	addr := conn.RemoteAddr().String()
	if !n.track(conn) {
		conn.Close()
		return peers.ErrClosed
	}
	defer n.untrack(conn)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	reg := n.cfg.Registry
	if reg == nil {
		var err error
		if reg, err = wire.NewRegistry(wire.BaseMessages()...); err != nil {
			return err
		}
	}
	c := &labConn{n: n, conn: conn, inbound: inbound, reg: reg, pending: make(map[uint64]time.Time)}
	if err := c.handshake(); err != nil {
		conn.Close()
		n.out.failed(addr, inbound, fmt.Errorf("your Step: %w", err))
		return err
	}
	n.out.labConnected(conn.RemoteAddr(), inbound, *c.version)
	err := c.run(ctx)
	conn.Close()
	n.out.labDisconnected(conn.RemoteAddr(), inbound, err)
	return nil
}

// handshake runs Step until it says Ready.
func (c *labConn) handshake() error {
	c.conn.SetDeadline(time.Now().Add(c.n.cfg.HandshakeTimeout))
	defer c.conn.SetDeadline(time.Time{})
	if !c.inbound {
		if err := c.send(wire.CmdVersion); err != nil {
			return err
		}
	}
	for c.state.Phase != labpeers.Ready {
		cmd, msg, err := c.read()
		if err != nil {
			return err
		}
		if err := c.step(cmd); err != nil {
			return err
		}
		if v, ok := msg.(*wire.MsgVersion); ok {
			if v.Nonce == c.n.cfg.Nonce {
				return fmt.Errorf("%w: our nonce 0x%016x came back", peers.ErrSelfConnection, v.Nonce)
			}
			c.version = v
		}
	}
	if c.version == nil {
		return errors.New("your Step said Ready, but no version came")
	}
	return nil
}

// step hands one command to Step and sends what it answers.
func (c *labConn) step(cmd string) error {
	before := c.state
	next, answers, err := labStep(c.state, c.inbound, cmd)
	if err != nil {
		return err
	}
	c.state = next
	if next.Features != before.Features {
		c.n.out.info("  lab: %s ignored %s (%d of at most %d)", c.conn.RemoteAddr(), cmd,
			next.Features, labpeers.MaxFeatureMessages)
	}
	for _, a := range answers {
		if err := c.send(a); err != nil {
			return err
		}
	}
	return nil
}

// read reads the next message; a command the registry does not know has
// been skipped, and is returned by name for Step to judge.
func (c *labConn) read() (string, wire.Message, error) {
	msg, _, err := wire.ReadMessage(c.conn, c.n.cfg.Magic, c.reg)
	var werr *wire.Error
	switch {
	case errors.Is(err, wire.ErrUnknownCommand) && errors.As(err, &werr):
		return werr.Command, nil, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "", nil, peers.ErrRemoteClosed
	case errors.Is(err, syscall.ECONNRESET):
		return "", nil, fmt.Errorf("%w: connection reset", peers.ErrRemoteClosed)
	case errors.Is(err, net.ErrClosed):
		return "", nil, peers.ErrClosed
	case err != nil:
		return "", nil, err
	}
	return msg.Command(), msg, nil
}

// send writes the message a command names, as this node would send it.
func (c *labConn) send(cmd string) error {
	var msg wire.Message
	switch cmd {
	case wire.CmdVersion:
		msg = c.n.version(c.conn)
	case wire.CmdVerAck:
		msg = &wire.MsgVerAck{}
	default:
		return fmt.Errorf("your Step answered with %q; a handshake only sends version and verack", cmd)
	}
	return c.write(msg)
}

func (c *labConn) write(msg wire.Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(c.n.cfg.WriteTimeout))
	_, err := wire.WriteMessage(c.conn, c.n.cfg.Magic, msg)
	return err
}

// run reads until the connection fails, answering pings and timing
// pongs, while a goroutine pings the peer every interval.
func (c *labConn) run(ctx context.Context) error {
	done := make(chan struct{})
	defer close(done)
	go c.pingLoop(done)
	for {
		c.conn.SetReadDeadline(time.Now().Add(c.n.cfg.IdleTimeout))
		cmd, msg, err := c.read()
		if err != nil {
			if ctx.Err() != nil || c.n.quitting() {
				return peers.ErrClosed
			}
			return err
		}
		if err := c.step(cmd); err != nil {
			return err
		}
		switch m := msg.(type) {
		case *wire.MsgPing:
			if err := c.write(&wire.MsgPong{Nonce: m.Nonce}); err != nil {
				return err
			}
		case *wire.MsgPong:
			if c.pong(m.Nonce) {
				return peers.ErrClosed // --pings round trips done
			}
		}
	}
}

// pingLoop sends a ping every interval until done closes.
func (c *labConn) pingLoop(done chan struct{}) {
	tick := time.NewTicker(c.n.cfg.PingInterval)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			nonce := rand.Uint64()
			c.mu.Lock()
			c.pending[nonce] = time.Now()
			c.mu.Unlock()
			if c.write(&wire.MsgPing{Nonce: nonce}) != nil {
				return
			}
		}
	}
}

// pong prints the round trip a pong ends, and reports whether the dialed
// connection has had its --pings.
func (c *labConn) pong(nonce uint64) bool {
	c.mu.Lock()
	sent, ok := c.pending[nonce]
	delete(c.pending, nonce)
	if ok {
		c.trips++
	}
	trips := c.trips
	c.mu.Unlock()
	if !ok {
		return false
	}
	c.n.out.labRoundTrip(c.conn.RemoteAddr(), c.inbound, time.Since(sent))
	return !c.inbound && c.n.opts.pings > 0 && trips >= c.n.opts.pings
}

// version is the version message this node sends on conn.
func (n *node) version(conn net.Conn) *wire.MsgVersion {
	return &wire.MsgVersion{
		ProtocolVersion: n.cfg.ProtocolVersion,
		Services:        n.cfg.Services,
		Timestamp:       time.Now().Unix(),
		AddrRecv:        wire.NetAddress{Addr: addrPort(conn.RemoteAddr())},
		AddrFrom:        wire.NetAddress{Services: n.cfg.Services, Addr: n.cfg.ListenAddr},
		Nonce:           n.cfg.Nonce,
		UserAgent:       n.cfg.UserAgent,
		StartHeight:     n.cfg.StartHeight,
		Relay:           n.cfg.Relay,
	}
}

// track adds a lab connection to those shutdown closes, unless the node
// is shutting down already.
func (n *node) track(conn net.Conn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.quit {
		return false
	}
	n.labConns[conn] = struct{}{}
	return true
}

func (n *node) untrack(conn net.Conn) {
	n.mu.Lock()
	delete(n.labConns, conn)
	n.mu.Unlock()
}

func (n *node) quitting() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.quit
}

// addrPort turns a connection's address into the form a version holds.
func addrPort(addr net.Addr) netip.AddrPort {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		ap := tcp.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(addr.String())
	return ap
}
