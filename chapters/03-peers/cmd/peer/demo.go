package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// How long the accept loop waits after a failed Accept (too many open
// files, say): as net/http's Server does, and as chapter 01's node and
// chapter 04's real driver do, 5 ms and doubling while failures last, up
// to a second, and 5 ms again after a success.
const (
	acceptRetryFirst = 5 * time.Millisecond
	acceptRetryMax   = time.Second
)

// networks are the magics --network names.
var networks = map[string]wire.Magic{
	"devnet":  wire.DevNet,
	"testnet": wire.TestNet,
	"mainnet": wire.MainNet,
}

// options are the command's flags.
type options struct {
	listen, connect string
	network         string
	pingInterval    time.Duration
	pings           int // round trips with the dialed peer before quitting
	record          string
	lab             bool // the learner's Step runs every handshake
}

// node is the demo's node: its config, shared by all its peers, and the
// peers that are open.
type node struct {
	cfg      peers.Config
	opts     options
	out      *printer
	rec      *recorder
	wg       sync.WaitGroup // every goroutine the node started
	mu       sync.Mutex
	open     map[*peers.Peer]int   // open peers, and their round trips
	labConns map[net.Conn]struct{} // open connections in lab mode
	quit     bool                  // shutting down: take no more peers
	first    sync.Once             // hands the first connection to rec
}

// demo runs a node until ctx ends, or until its dialed connection ends
// when it has no listener or --pings was given.
func demo(ctx context.Context, opts options, out *printer) error {
	magic, ok := networks[opts.network]
	switch {
	case !ok:
		return fmt.Errorf("--network %q: want devnet, testnet or mainnet", opts.network)
	case opts.listen == "" && opts.connect == "":
		return errors.New("give --listen, --connect, or both")
	case opts.pings > 0 && opts.connect == "":
		return errors.New("--pings counts round trips with the node --connect dials")
	}
	if opts.lab {
		if err := checkLab(); err != nil {
			return err
		}
		out.info("lab: your Step (exercises/03-peers/step.go) runs every handshake")
	}
	n := &node{opts: opts, out: out, open: make(map[*peers.Peer]int), labConns: make(map[net.Conn]struct{})}
	n.cfg = peers.DefaultConfig()
	n.cfg.Magic = magic
	n.cfg.Nonce = peers.RandomNonce()
	n.cfg.PingInterval = opts.pingInterval
	n.cfg.OnConnect = n.connect
	n.cfg.OnPong = n.pong
	if err := n.cfg.Validate(); err != nil {
		return err
	}
	if opts.record != "" {
		path := recordPath(opts.record)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		n.rec = &recorder{file: f}
		out.info("recording what the first connection receives in %s (at most %d bytes)", path, MaxRecordBytes)
	}
	err := n.run(ctx)
	if n.rec != nil {
		if n.rec.full {
			out.info("the recording stopped at %d bytes", MaxRecordBytes)
		}
		err = errors.Join(err, n.rec.close())
	}
	return err
}

// run listens and dials as the options say, and shuts down when it is
// time, waiting for everything it started.
func (n *node) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ln net.Listener
	if n.opts.listen != "" {
		var err error
		if ln, err = net.Listen("tcp", n.opts.listen); err != nil {
			return err
		}
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
			n.cfg.ListenAddr = tcp.AddrPort()
		}
		n.out.listening(ln.Addr(), n.cfg)
		n.goFunc(func() { n.acceptLoop(ctx, ln) })
	}
	dialed := make(chan error, 1)
	if n.opts.connect != "" {
		n.goFunc(func() { dialed <- n.dial(ctx, n.opts.connect) })
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-dialed:
		if ln != nil && n.opts.pings == 0 {
			<-ctx.Done() // the listener serves on
			err = nil
		}
	}
	n.shutdown(ln)
	n.out.info("stopped")
	return err
}

// goFunc runs f on a goroutine that shutdown waits for.
func (n *node) goFunc(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// acceptLoop serves every connection ln accepts, until ln closes.
func (n *node) acceptLoop(ctx context.Context, ln net.Listener) {
	wait := acceptRetryFirst
	for {
		conn, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			n.out.error(err)
			select {
			case <-time.After(wait):
				wait = min(2*wait, acceptRetryMax)
				continue
			case <-ctx.Done():
				return
			}
		}
		wait = acceptRetryFirst
		n.goFunc(func() { n.serve(ctx, conn, true) })
	}
}

// dial connects to addr and serves the connection. It returns an error
// if there never was a peer: the dial or the handshake failed.
func (n *node) dial(ctx context.Context, addr string) error {
	n.out.info("dialing %s", addr)
	d := net.Dialer{Timeout: n.cfg.HandshakeTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		n.out.failed(addr, false, err)
		return fmt.Errorf("no connection to %s", addr)
	}
	if err := n.serve(ctx, conn, false); err != nil {
		return fmt.Errorf("no handshake with %s", addr)
	}
	return nil
}

// serve runs the handshake on conn and waits until the peer closes.
func (n *node) serve(ctx context.Context, conn net.Conn, inbound bool) error {
	addr := conn.RemoteAddr().String()
	n.first.Do(func() { conn = n.rec.wrap(conn) })
	if n.opts.lab {
		return n.serveLab(ctx, conn, inbound)
	}
	p, err := peers.New(ctx, conn, inbound, n.cfg)
	if err != nil {
		n.out.failed(addr, inbound, err)
		return err
	}
	<-p.Done()
	n.mu.Lock()
	delete(n.open, p)
	n.mu.Unlock()
	n.out.disconnected(p)
	return nil
}

// connect adds a peer whose handshake passed to the open peers, unless
// the node is shutting down. New calls it before the peer reads on, so
// "connected" is printed before any round trip.
func (n *node) connect(p *peers.Peer) {
	n.mu.Lock()
	quit := n.quit
	if !quit {
		n.open[p] = 0
	}
	n.mu.Unlock()
	if quit {
		p.Disconnect(peers.ErrClosed)
		return
	}
	n.out.connected(p)
}

// pong prints a round trip, and closes the dialed peer after --pings of
// them. It runs on the peer's reader goroutine, so it may Disconnect the
// peer but not Close it.
func (n *node) pong(p *peers.Peer, rtt time.Duration) {
	n.out.roundTrip(p, rtt)
	n.mu.Lock()
	n.open[p]++
	done := !p.Info().Inbound && n.opts.pings > 0 && n.open[p] >= n.opts.pings
	n.mu.Unlock()
	if done {
		p.Disconnect(peers.ErrClosed)
	}
}

// shutdown stops accepting, closes every open peer and waits for every
// goroutine the node started.
func (n *node) shutdown(ln net.Listener) {
	n.mu.Lock()
	n.quit = true
	open := make([]*peers.Peer, 0, len(n.open))
	for p := range n.open {
		open = append(open, p)
	}
	for c := range n.labConns {
		c.Close()
	}
	n.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, p := range open {
		p.Disconnect(peers.ErrClosed)
	}
	n.wg.Wait()
}
