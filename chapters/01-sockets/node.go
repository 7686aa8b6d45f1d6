package sockets

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"time"
)

// Errors the node's methods return.
var (
	ErrClosed       = errors.New("node is closed")
	ErrTooManyPeers = errors.New("too many peers")
)

// Accept retries after a failed Accept wait this long at first, doubling
// up to the maximum, as net/http's server does.
const (
	acceptRetryFirst = 5 * time.Millisecond
	acceptRetryMax   = time.Second
)

// docs:begin node

// Node is a chat node: it accepts connections, dials peers, reports
// every line it reads to its handler, and sends lines to every peer.
type Node struct {
	cfg    Config
	handle func(Event)

	mu     sync.Mutex
	peers  map[*peer]struct{} // open connections, at most cfg.MaxPeers
	closed bool               // set once by shutdown
	quit   chan struct{}      // closed by shutdown
	wg     sync.WaitGroup     // every goroutine the node started
}

// docs:end node

// NewNode returns a node with the given limits. handle receives every
// event (see Event); it may be nil.
func NewNode(cfg Config, handle func(Event)) (*Node, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if handle == nil {
		handle = func(Event) {}
	}
	return &Node{
		cfg:    cfg,
		handle: handle,
		peers:  make(map[*peer]struct{}),
		quit:   make(chan struct{}),
	}, nil
}

// docs:begin run

// Run accepts connections on ln until ctx is cancelled. Then it closes
// the listener and every connection, waits until every goroutine the
// node started has returned, and returns. After Run the node is closed,
// and a second Run returns ErrClosed.
func (n *Node) Run(ctx context.Context, ln net.Listener) error {
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		ln.Close()
		return ErrClosed
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.acceptLoop(ln)
	}()
	<-ctx.Done()
	n.shutdown(ln)
	n.wg.Wait()
	return nil
}

// docs:end run

// docs:begin accept-loop

// acceptLoop gives every accepted connection to add. A failed Accept
// (say, out of file descriptors) is retried after a pause that doubles
// each time, so the node survives it without spinning.
func (n *Node) acceptLoop(ln net.Listener) {
	wait := acceptRetryFirst
	for {
		conn, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return // shutdown closed the listener
		}
		if err != nil {
			select {
			case <-time.After(wait):
				wait = min(2*wait, acceptRetryMax)
				continue
			case <-n.quit:
				return
			}
		}
		wait = acceptRetryFirst
		addr := conn.RemoteAddr().String()
		if err := n.add(conn, true); errors.Is(err, ErrTooManyPeers) {
			// add has closed conn; say so, or the refusal is silent
			n.handle(Event{Kind: PeerRefused, Peer: addr,
				Inbound: true, Err: err})
		}
	}
}

// docs:end accept-loop

// docs:begin connect

// Connect dials addr and adds the connection. ctx bounds only the dial;
// the connection lives until the peer, an error or Run's end closes it.
func (n *Node) Connect(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: n.cfg.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err // says "dial tcp ADDR: connect: connection refused"
	}
	return n.add(conn, false)
}

// docs:end connect

// docs:begin add

// add registers conn and starts its two goroutines. It refuses the
// connection, closing it, when the node is shut down or full.
func (n *Node) add(conn net.Conn, inbound bool) error {
	n.mu.Lock()
	if n.closed || len(n.peers) >= n.cfg.MaxPeers {
		err := ErrTooManyPeers
		if n.closed {
			err = ErrClosed
		}
		n.mu.Unlock()
		conn.Close()
		return err
	}
	p := newPeer(conn, inbound, n.cfg.OutboxSize, n.forget)
	n.peers[p] = struct{}{}
	n.wg.Add(2)
	n.mu.Unlock()

	// The reader starts after this event and sends the peer's last
	// one, so a handler sees connected, lines, disconnected in order.
	n.handle(Event{Kind: PeerConnected, Peer: p.addr, Inbound: inbound})
	go func() {
		defer n.wg.Done()
		p.readLoop(n.cfg, n.handle)
	}()
	go func() {
		defer n.wg.Done()
		p.writeLoop(n.cfg)
	}()
	return nil
}

// forget removes a peer that has closed from the set Broadcast uses.
func (n *Node) forget(p *peer) {
	n.mu.Lock()
	delete(n.peers, p)
	n.mu.Unlock()
}

// docs:end add

// docs:begin broadcast

// Broadcast queues line for every peer and returns how many took it.
// It never waits for a slow peer: one with a full outbox is dropped.
func (n *Node) Broadcast(line string) (int, error) {
	if err := checkLine(line, n.cfg.MaxLineLength); err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range n.snapshot() {
		if p.send(line) {
			sent++
		}
	}
	return sent, nil
}

// docs:end broadcast

// SendTo queues line for the peer at addr alone, as Broadcast does for
// all: it reports false if there is no such peer, or it was too slow and
// is now disconnected.
func (n *Node) SendTo(addr, line string) (bool, error) {
	if err := checkLine(line, n.cfg.MaxLineLength); err != nil {
		return false, err
	}
	if p := n.find(addr); p != nil {
		return p.send(line), nil
	}
	return false, nil
}

// Disconnect closes the connection to the peer at addr, giving reason to
// its PeerDisconnected event, and reports whether there was one.
func (n *Node) Disconnect(addr string, reason error) bool {
	p := n.find(addr)
	if p != nil {
		p.close(reason)
	}
	return p != nil
}

// find returns the open connection to addr, or nil.
func (n *Node) find(addr string) *peer {
	for _, p := range n.snapshot() {
		if p.addr == addr {
			return p
		}
	}
	return nil
}

// Peers returns the addresses of the open connections, sorted.
func (n *Node) Peers() []string {
	var addrs []string
	for _, p := range n.snapshot() {
		addrs = append(addrs, p.addr)
	}
	slices.Sort(addrs)
	return addrs
}

// snapshot copies the peer set, so that callers can work on peers (which
// may call remove) without holding the lock.
func (n *Node) snapshot() []*peer {
	n.mu.Lock()
	defer n.mu.Unlock()
	ps := make([]*peer, 0, len(n.peers))
	for p := range n.peers {
		ps = append(ps, p)
	}
	return ps
}

// docs:begin shutdown

// shutdown refuses new connections and closes the listener and every
// open connection; their goroutines then return on their own.
func (n *Node) shutdown(ln net.Listener) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	close(n.quit)
	n.mu.Unlock()
	ln.Close()
	for _, p := range n.snapshot() {
		p.close(ErrNodeClosed)
	}
}

// docs:end shutdown
